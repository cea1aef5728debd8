using System.Globalization;
using System.Text;

namespace Workflows.Host.Definitions;

/// <summary>
/// Text folded for search the way people type Vietnamese without diacritics: lower case, tone and vowel marks
/// removed, đ/Đ as d. "dang ky" finds "Đăng ký thường trú".
/// </summary>
internal static class SearchText
{
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            // Đ is a letter of its own (not D with a mark), so decomposition leaves it.
            folded.Append(c is 'đ' or 'Đ' ? 'd' : char.ToLowerInvariant(c));
        }

        return folded.ToString().Normalize(NormalizationForm.FormC);
    }
}
