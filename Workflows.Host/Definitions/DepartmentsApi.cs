using Microsoft.AspNetCore.Http.HttpResults;
using Workflows.Host.Access;

namespace Workflows.Host.Definitions;

/// <summary>/api/departments: the departments of departments.json, for the steps' department pickers and the forms.</summary>
internal static class DepartmentsApi
{
    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/departments", List).WithTags("Definitions").RequireAuthorization(Policies.Staff)
            .WithSummary("Every department: id, Vietnamese and English name, kind (desk = the one-stop desk)");
        return app;
    }

    private static Ok<IReadOnlyList<DepartmentDto>> List(DepartmentDirectory directory) => TypedResults.Ok(directory.All);
}
