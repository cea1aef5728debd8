using System.Globalization;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;
using Workflows.Designer.Access;
using Workflows.Designer.Components;
using Workflows.Designer.Components.Pages.Versions;
using Workflows.Designer.HostApi;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddLocalization();
builder.Services.AddHostApi(builder.Configuration);
builder.Services.AddDesignerAccess(builder.Configuration, builder.Environment);

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

// Vietnamese first; English by the switch in the app bar (a culture cookie).
string[] cultures = ["vi-VN", "en"];
app.UseRequestLocalization(new RequestLocalizationOptions { ApplyCurrentCultureToResponseHeaders = true }
    .SetDefaultCulture(cultures[0]).AddSupportedCultures(cultures).AddSupportedUICultures(cultures));

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapGet("/culture", (string culture, string? redirectUri, HttpContext context) =>
{
    if (cultures.Contains(culture, StringComparer.OrdinalIgnoreCase))
    {
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(CultureInfo.GetCultureInfo(culture))),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
    }

    // Only local addresses: the switch must not become an open redirect.
    return Results.LocalRedirect(redirectUri is { Length: > 0 } && redirectUri.StartsWith('/') && !redirectUri.StartsWith("//", StringComparison.Ordinal) ? redirectUri : "/");
});
app.MapDesignerAccess();
app.MapVersionDownloads();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Entry point, visible to the tests.</summary>
public partial class Program;
