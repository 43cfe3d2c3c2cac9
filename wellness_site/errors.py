"""Error reports that cannot carry what a visitor or staff member typed."""

from django.views.debug import SafeExceptionReporterFilter

HIDDEN = "********************"


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide every POST value and every local variable in production error reports.

    Every form on this site holds intake or staff data, so rather than list
    sensitive fields view by view (and miss one), all are hidden. Local
    variables go too: a frame inside a service or the ORM holds the same
    values under other names. The traceback's file, line and code remain,
    which is what finding the bug needs.
    """

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return {key: HIDDEN for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, HIDDEN) for name in tb_frame.f_locals]
