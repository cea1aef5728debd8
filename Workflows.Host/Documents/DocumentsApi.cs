using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Access;
using Workflows.Host.Dossiers;
using Workflows.Host.Persistence;

namespace Workflows.Host.Documents;

/// <summary>A form of a dossier: whether it applies now, and where to print it.</summary>
internal sealed record DocumentLinkDto(string Form, string Title, bool Available, string? Reason, string Href);

/// <summary>
/// The printable forms of a dossier as A4 HTML: staff read them as they read the dossier (officers only for
/// dossiers of their departments); an intake system prints the receipt (form 01) of its own dossiers.
/// </summary>
internal static class DocumentsApi
{
    private const string Html = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/dossiers/{code}/documents").WithTags("Documents").RequireAuthorization(Policies.Staff);
        staff.MapGet("/", List).WithSummary("The forms of the dossier and whether each applies now");
        staff.MapGet("/{form}", Render).Produces<string>(StatusCodes.Status200OK, "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("A form (01-06) as printable A4 HTML; 409 when it does not apply to the dossier");
        app.MapGet("/api/intake/dossiers/{externalCode}/documents/01", IntakeReceipt).WithTags("Intake")
            .RequireAuthorization(Policies.Intake).Produces<string>(StatusCodes.Status200OK, "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The receipt (form 01) of one of this intake system's dossiers, as printable A4 HTML");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<DocumentLinkDto>>, ProblemHttpResult>> List(
        string code, HttpContext context, WorkflowsDbContext db, DocumentForms forms, DocumentRenderer renderer, CancellationToken cancellationToken)
    {
        var row = await DossierAccess.Visible(db, context.User).SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        if (row is null)
        {
            return DossierNotFound(code);
        }

        var documentContext = await forms.ContextAsync(row, cancellationToken);
        var links = new List<DocumentLinkDto>();
        foreach (var (form, title) in forms.Known.Where(f => renderer.HasForm(f.Form)))
        {
            var build = await forms.BuildAsync(documentContext, form, cancellationToken);
            links.Add(new DocumentLinkDto(form, title, build.Model is not null, build.NotApplicable,
                $"/api/dossiers/{Uri.EscapeDataString(code)}/documents/{form}"));
        }

        return TypedResults.Ok<IReadOnlyList<DocumentLinkDto>>(links);
    }

    private static async Task<IResult> Render(
        string code, string form, HttpContext context, WorkflowsDbContext db, DocumentForms forms, DocumentRenderer renderer, CancellationToken cancellationToken)
    {
        if (!forms.IsKnown(form) || !renderer.HasForm(form))
        {
            return FormNotFound(form, renderer);
        }

        var row = await DossierAccess.Visible(db, context.User).SingleOrDefaultAsync(d => d.Code == code, cancellationToken);
        return row is null ? DossierNotFound(code) : await RenderAsync(row, form, forms, renderer, cancellationToken);
    }

    private static async Task<IResult> IntakeReceipt(
        string externalCode, HttpContext context, WorkflowsDbContext db, DocumentForms forms, DocumentRenderer renderer, CancellationToken cancellationToken)
    {
        var client = context.User.Name();
        var row = await db.Dossiers.AsNoTracking().SingleOrDefaultAsync(d => d.IntakeClient == client && d.ExternalCode == externalCode, cancellationToken);
        if (row is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dossier not found",
                detail: $"This intake system has no dossier {externalCode}.");
        }

        return renderer.HasForm(DocumentForms.Receipt)
            ? await RenderAsync(row, DocumentForms.Receipt, forms, renderer, cancellationToken)
            : FormNotFound(DocumentForms.Receipt, renderer);
    }

    private static async Task<IResult> RenderAsync(DossierRow row, string form, DocumentForms forms, DocumentRenderer renderer, CancellationToken cancellationToken)
    {
        var build = await forms.BuildAsync(await forms.ContextAsync(row, cancellationToken), form, cancellationToken);
        if (build.Model is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The form does not apply to the dossier", detail: build.NotApplicable);
        }

        return TypedResults.Text(renderer.Render(form, build.Model), Html, Encoding.UTF8);
    }

    private static ProblemHttpResult DossierNotFound(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dossier not found", detail: $"No dossier {code} that you may see.");

    private static ProblemHttpResult FormNotFound(string form, DocumentRenderer renderer) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Form not found",
            detail: $"There is no form '{form}'; the forms are {string.Join(", ", renderer.Forms)}.");
}
