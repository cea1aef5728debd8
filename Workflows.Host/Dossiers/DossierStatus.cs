using Workflows.Engine.Definitions;

namespace Workflows.Host.Dossiers;

/// <summary>
/// The national dossier status codes (as synchronised with the national public service portal), with their
/// Vietnamese and English names.
/// </summary>
internal static class DossierStatus
{
    public const int Submitted = 1;
    public const int Received = 2;
    public const int Refused = 3;
    public const int Processing = 4;
    public const int SupplementRequested = 5;
    public const int FinancialObligationDue = 6;
    public const int Withdrawn = 7;
    public const int Stopped = 8;
    public const int Resolved = 9;
    public const int ResultReturned = 10;

    private static readonly Dictionary<int, (string Vi, string En)> Names = new()
    {
        [Submitted] = ("Mới đăng ký", "Submitted"),
        [Received] = ("Được tiếp nhận", "Received"),
        [Refused] = ("Không được tiếp nhận", "Refused"),
        [Processing] = ("Đang xử lý", "Processing"),
        [SupplementRequested] = ("Yêu cầu bổ sung giấy tờ", "Supplement requested"),
        [FinancialObligationDue] = ("Yêu cầu thực hiện nghĩa vụ tài chính", "Financial obligation due"),
        [Withdrawn] = ("Công dân yêu cầu rút hồ sơ", "Withdrawn by the applicant"),
        [Stopped] = ("Dừng xử lý", "Processing stopped"),
        [Resolved] = ("Đã xử lý xong", "Resolved"),
        [ResultReturned] = ("Đã trả kết quả", "Result returned"),
    };

    public static bool IsKnown(int status) => Names.ContainsKey(status);

    public static string Name(int status) => Names.TryGetValue(status, out var n) ? n.Vi : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string NameEn(int status) => Names.TryGetValue(status, out var n) ? n.En : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static int ForResult(EndResult result) => result switch
    {
        EndResult.Issued => Resolved,
        EndResult.Refused => Refused,
        EndResult.Withdrawn => Withdrawn,
        EndResult.Stopped => Stopped,
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown end result."),
    };
}
