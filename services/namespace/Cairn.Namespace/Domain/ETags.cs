using System.Globalization;
using System.Security.Cryptography;

namespace Cairn.Namespace.Domain;

public static class ETags
{
    /// <summary>ETags compare without their quotes: clients send both forms.</summary>
    public static bool Matches(string stored, string candidate) =>
        string.Equals(Unquote(stored), Unquote(candidate), StringComparison.OrdinalIgnoreCase)
        || candidate.Trim() == "*";

    public static string Unquote(string etag)
    {
        var t = etag.Trim();
        if (t.StartsWith("W/", StringComparison.Ordinal))
        {
            t = t[2..];
        }

        return t.Length >= 2 && t[0] == '"' && t[^1] == '"' ? t[1..^1] : t;
    }

    /// <summary>S3's multipart ETag: hex(MD5(concatenated binary MD5s of the parts))-N, quoted.</summary>
    public static string Multipart(IReadOnlyList<string> partETags)
    {
        var concat = new byte[partETags.Count * 16];
        for (var i = 0; i < partETags.Count; i++)
        {
            var hex = Unquote(partETags[i]);
            if (hex.Length != 32 || !Convert.FromHexString(hex).AsSpan().TryCopyTo(concat.AsSpan(i * 16)))
            {
                throw NamespaceException.Precondition(ErrorCodes.InvalidPart);
            }
        }

        var digest = MD5.HashData(concat);
        return "\"" + Convert.ToHexStringLower(digest) + "-" + partETags.Count.ToString(CultureInfo.InvariantCulture) + "\"";
    }

    public static bool IsHexMd5(string etag)
    {
        var hex = Unquote(etag);
        return hex.Length == 32 && hex.All(Uri.IsHexDigit);
    }
}
