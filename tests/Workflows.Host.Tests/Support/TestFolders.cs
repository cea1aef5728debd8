using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Persistence;

namespace Workflows.Host.Tests.Support;

/// <summary>Definitions folders, dossiers and their steps, which several test classes set up the same way.</summary>
internal static class TestFolders
{
    /// <summary>
    /// A new definitions folder under the temp folder (<paramref name="name"/> plus a unique suffix) with
    /// <paramref name="departments"/> as departments.json, <paramref name="procedures"/> (file name → JSON) under
    /// procedures/, and, with <paramref name="withForms"/>, the repository's form templates.
    /// </summary>
    public static string Write(string name, string departments, IEnumerable<(string File, string Json)> procedures, bool withForms = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), "workflows-host-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "procedures"));
        if (withForms)
        {
            var forms = Path.Combine(folder, "templates", "forms");
            Directory.CreateDirectory(forms);
            foreach (var file in Directory.EnumerateFiles(Documents.DocumentDefinitions.RepositoryForms, "*.hbs"))
            {
                File.Copy(file, Path.Combine(forms, Path.GetFileName(file)));
            }
        }

        File.WriteAllText(Path.Combine(folder, "departments.json"), departments);
        foreach (var (file, json) in procedures)
        {
            File.WriteAllText(Path.Combine(folder, "procedures", file), json);
        }

        return folder;
    }

    /// <summary>Receives a dossier of <paramref name="procedure"/> through the intake API; its dossier code.</summary>
    public static async Task<string> ReceiveAsync(WorkflowsApp app, string procedure)
    {
        using var intake = app.ClientWithKey(WorkflowsApp.IntakeKey);
        var response = await intake.PostAsJsonAsync("/api/intake/dossiers", Intake.IntakeTests.Body(Intake.IntakeTests.NewExternalCode(), procedure: procedure));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["dossierCode"]!;
    }

    /// <summary>The intake system's code of dossier <paramref name="code"/>.</summary>
    public static async Task<string> ExternalCodeAsync(WorkflowsApp app, string code)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>().Dossiers.AsNoTracking()
            .Where(d => d.Code == code).Select(d => d.ExternalCode).SingleAsync();
    }

    /// <summary>Completes the dossier's open task at <paramref name="step"/> through the Task API, as the officer with <paramref name="key"/>.</summary>
    public static async Task CompleteStepAsync(WorkflowsApp app, string code, string step, string key, string outcome, string? note)
    {
        Guid taskId;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
            var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == code);
            taskId = (await db.Tasks.AsNoTracking().SingleAsync(t => t.InstanceId == dossier.Id && t.State == TaskStates.Open && t.NodeId == step)).Id;
        }

        using var client = app.ClientWithKey(key);
        var response = await client.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome, note });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
