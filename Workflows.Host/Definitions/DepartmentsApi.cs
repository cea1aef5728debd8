using Microsoft.AspNetCore.Http.HttpResults;
using Workflows.Host.Access;

namespace Workflows.Host.Definitions;

/// <summary>
/// /api/departments: the departments of departments.json, for the steps' department pickers and the forms; /api/templates:
/// the notification templates and forms a procedure can name, for the editor's pickers.
/// </summary>
internal static class DepartmentsApi
{
    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/departments", List).WithTags("Definitions").RequireAuthorization(Policies.Staff)
            .WithSummary("Every department: id, Vietnamese and English name, kind (desk = the one-stop desk)");
        app.MapGet("/api/templates", Templates).WithTags("Definitions").RequireAuthorization(Policies.Designer)
            .WithSummary("Notification templates (kind sms, email or message; Notify.template) and printed forms (kind form; a step's forms): id, kind, title");
        return app;
    }

    private static Ok<IReadOnlyList<DepartmentDto>> List(DepartmentDirectory directory) => TypedResults.Ok(directory.All);

    private static Ok<IReadOnlyList<TemplateDto>> Templates(TemplateDirectory templates) => TypedResults.Ok(templates.All());
}
