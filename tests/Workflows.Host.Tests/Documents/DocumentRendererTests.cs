using Workflows.Host.Documents;

namespace Workflows.Host.Tests.Documents;

/// <summary>The renderer alone: helpers, escaping, partials, a further form added by a template and a model.</summary>
public sealed class DocumentRendererTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "workflows-host-tests", "forms-" + Guid.NewGuid().ToString("N"));

    public DocumentRendererTests()
    {
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(DocumentDefinitions.RepositoryForms, "_layout.hbs"), Path.Combine(folder, "_layout.hbs"));
    }

    private sealed record LetterModel(DocumentAgency Agency, DocumentDossierStub Dossier, DateTimeOffset IssuedAt, DateTimeOffset NewDueAt, decimal Fee, string Reason);

    private sealed record DocumentDossierStub(string Code);

    [Fact]
    public void A_form_is_a_template_and_a_model_rendered_with_the_vietnamese_helpers_and_html_escaping()
    {
        File.WriteAllText(Path.Combine(folder, "04-thu-xin-loi.hbs"), """
            {{#> layout form="04" title="Thư xin lỗi và hẹn lại ngày trả kết quả"}}
            <p data-field="newDueAt">{{vnDateTime newDueAt}}</p>
            <p data-field="newDueDay">{{vnDate newDueAt}}</p>
            <p data-field="fee">{{vnd fee}}</p>
            <p data-field="reason">{{reason}}</p>
            <p data-field="same">{{#if (eq dossier.code "X-1")}}yes{{else}}no{{/if}}</p>
            {{/layout}}
            """);
        var renderer = new DocumentRenderer(folder, TimeSpan.FromHours(7));
        var model = new LetterModel(new DocumentAgency("ỦY BAN NHÂN DÂN TỈNH", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Đà Nẵng"), new DocumentDossierStub("X-1"),
            new DateTimeOffset(2026, 3, 9, 20, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 12, 2, 30, 0, TimeSpan.Zero), 1_500_000m, "Chậm do <b>xác minh</b> & đo đạc");

        var html = Html.Parse(renderer.Render("04", model));

        Assert.Equal(["04"], renderer.Forms);
        Assert.Equal("09 giờ 30 phút, ngày 12/03/2026", html.Field("newDueAt"));
        Assert.Equal("12/03/2026", html.Field("newDueDay"));
        Assert.Equal("1.500.000 đồng", html.Field("fee"));
        Assert.Equal("Chậm do <b>xác minh</b> & đo đạc", html.Field("reason"));
        Assert.DoesNotContain(html.Descendants(), e => e.Name.LocalName == "b");
        Assert.Equal("yes", html.Field("same"));
        // Issued 20:00 UTC on 9 March is 10 March in Vietnam.
        Assert.Equal("Đà Nẵng, ngày 10 tháng 03 năm 2026", html.Field("issuedAt"));
        Assert.Equal("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", html.Field("agency.name"));
    }

    [Fact]
    public void An_unknown_form_throws_and_a_changed_template_is_read_again()
    {
        var renderer = new DocumentRenderer(folder, TimeSpan.FromHours(7));
        Assert.Throws<KeyNotFoundException>(() => renderer.Render("04", new { }));

        var file = Path.Combine(folder, "09-thu.hbs");
        File.WriteAllText(file, "<p>một</p>");
        Assert.Equal("<p>một</p>", renderer.Render("09", new { }));
        File.WriteAllText(file, "<p>hai</p>");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("<p>hai</p>", renderer.Render("09", new { }));
    }

    [Theory]
    [InlineData(0, "0 đồng")]
    [InlineData(75000, "75.000 đồng")]
    [InlineData(1500000, "1.500.000 đồng")]
    public void Money_is_printed_in_dong_with_dots(decimal amount, string expected) =>
        Assert.Equal(expected, DocumentRenderer.FormatVnd(amount));

    [Fact]
    public void The_qr_code_is_an_inline_svg()
    {
        var svg = DocumentRenderer.QrSvg("000.00.00.H00-260302-0001");
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Equal("svg", Html.Parse(svg).Root!.Name.LocalName);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
