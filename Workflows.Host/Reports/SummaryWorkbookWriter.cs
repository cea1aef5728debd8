using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Workflows.Host.Reports;

/// <summary>
/// The summary as an .xlsx workbook: one sheet "Tổng hợp", a title in A1, the period in A2, Vietnamese headers
/// in row 4, one row per group from row 5, and the total ("Tổng cộng") last. Strings are inline, numbers are
/// numbers; the on-time rate is a percentage number (87.5 = 87,5 %), empty when nothing was resolved.
/// </summary>
internal static class SummaryWorkbookWriter
{
    public const string SheetName = "Tổng hợp";
    public const int HeaderRow = 4;

    /// <summary>Headers after the first (group) column.</summary>
    public static readonly IReadOnlyList<string> Headers =
    [
        "Mã",
        "Tổng số",
        "Tiếp nhận mới",
        "Trực tuyến",
        "Trực tiếp",
        "Bưu chính",
        "Kỳ trước chuyển sang",
        "Đã giải quyết",
        "Đã giải quyết: Trước hạn",
        "Đã giải quyết: Đúng hạn",
        "Đã giải quyết: Quá hạn",
        "Từ chối",
        "Rút hồ sơ",
        "Dừng xử lý",
        "Huỷ",
        "Đang giải quyết",
        "Đang giải quyết: Trong hạn",
        "Đang giải quyết: Quá hạn",
        "Chờ bổ sung",
        "Tỷ lệ đúng hạn (%)",
    ];

    public static string GroupHeader(ReportGrouping grouping) => grouping switch
    {
        ReportGrouping.Department => "Phòng ban",
        ReportGrouping.Step => "Bước xử lý",
        ReportGrouping.ReceptionPoint => "Điểm tiếp nhận",
        ReportGrouping.Channel => "Hình thức tiếp nhận",
        ReportGrouping.Month => "Tháng",
        _ => "Lĩnh vực/Thủ tục",
    };

    public static byte[] Write(SummaryReport report, ReportGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var worksheetPart = workbookPart.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            worksheetPart.Worksheet = new Worksheet(
                new Columns(
                    new Column { Min = 1, Max = 1, Width = 48, CustomWidth = true },
                    new Column { Min = 2, Max = (uint)(Headers.Count + 1), Width = 14, CustomWidth = true }),
                data);

            var what = report.Counts == "tasks" ? "công việc của các phòng ban" : "hồ sơ thủ tục hành chính";
            data.Append(TextRow(1, [$"Báo cáo tình hình tiếp nhận và giải quyết {what}"]));
            data.Append(TextRow(2, [string.Create(CultureInfo.InvariantCulture, $"Từ ngày {report.From:dd/MM/yyyy} đến ngày {report.To:dd/MM/yyyy}")]));
            data.Append(TextRow(HeaderRow, [GroupHeader(grouping), .. Headers]));

            var rowIndex = (uint)HeaderRow;
            foreach (var row in report.Rows.Append(report.Total))
            {
                rowIndex++;
                data.Append(DataRow(rowIndex, row));
            }

            workbookPart.Workbook.AppendChild(new Sheets(new Sheet
            {
                Id = workbookPart.GetIdOfPart(worksheetPart),
                SheetId = 1,
                Name = SheetName,
            }));
            workbookPart.Workbook.Save();
        }

        return stream.ToArray();
    }

    private static Row DataRow(uint index, SummaryRow r)
    {
        var row = new Row { RowIndex = index };
        var column = 0;
        row.Append(Text(index, ++column, r.Label));
        row.Append(Text(index, ++column, r.Key));
        decimal[] numbers =
        [
            r.CarriedOver + r.Received.Total,
            r.Received.Total,
            r.Received.Online,
            r.Received.InPerson,
            r.Received.Postal,
            r.CarriedOver,
            r.Finished.Resolved,
            r.Finished.Early,
            r.Finished.OnTime,
            r.Finished.Late,
            r.Finished.Refused,
            r.Finished.Withdrawn,
            r.Finished.Stopped,
            r.Finished.Cancelled,
            r.InProgress.Total,
            r.InProgress.WithinTime,
            r.InProgress.Late,
            r.WaitingForSupplement,
        ];
        foreach (var number in numbers)
        {
            row.Append(Number(index, ++column, number));
        }

        row.Append(r.OnTimeRate is { } rate ? Number(index, ++column, rate) : Text(index, ++column, string.Empty));
        return row;
    }

    private static Row TextRow(uint index, IReadOnlyList<string> values)
    {
        var row = new Row { RowIndex = index };
        for (var i = 0; i < values.Count; i++)
        {
            row.Append(Text(index, i + 1, values[i]));
        }

        return row;
    }

    private static Cell Text(uint row, int column, string value) => new()
    {
        CellReference = Reference(row, column),
        DataType = CellValues.InlineString,
        InlineString = new InlineString(new Text(value) { Space = SpaceProcessingModeValues.Preserve }),
    };

    private static Cell Number(uint row, int column, decimal value) => new()
    {
        CellReference = Reference(row, column),
        DataType = CellValues.Number,
        CellValue = new CellValue(value.ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>"A1"-style reference of a 1-based column.</summary>
    public static string Reference(uint row, int column)
    {
        var letters = string.Empty;
        for (var c = column; c > 0; c = (c - 1) / 26)
        {
            letters = (char)('A' + ((c - 1) % 26)) + letters;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{letters}{row}");
    }
}
