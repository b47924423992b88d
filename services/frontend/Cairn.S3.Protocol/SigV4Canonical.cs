using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cairn.S3.Protocol;

/// <summary>
/// The canonical request of SigV4 for S3. S3 signs the path as the client encoded it, once
/// (no double encoding, no dot-segment normalisation), so it is rebuilt from the raw request
/// target: %XX escapes are decoded to bytes and every byte re-encoded in AWS's canonical form.
/// This is the identity for what SDKs send, yet tolerant of lower-case hex or unreserved
/// characters sent escaped. A literal '/' stays a separator; "%2F" stays "%2F".
/// </summary>
internal static class SigV4Canonical
{
    public static string Build(string method, string canonicalUri, string canonicalQuery, string canonicalHeaders, string signedHeaders, string payloadHash)
        => $"{method}\n{canonicalUri}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";

    /// <summary>AWS UriEncode of one byte string; '/' kept when <paramref name="keepSlash"/>.</summary>
    public static void UriEncode(StringBuilder sb, ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) || (keepSlash && b == (byte)'/'))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
            }
        }
    }

    public static string UriEncode(string s, bool keepSlash)
    {
        var sb = new StringBuilder(s.Length + 8);
        UriEncode(sb, Encoding.UTF8.GetBytes(s), keepSlash);
        return sb.ToString();
    }

    /// <summary>Canonical URI from the raw path (the part of the request target before '?').</summary>
    public static string CanonicalUri(ReadOnlySpan<char> rawPath)
    {
        if (rawPath.IsEmpty)
        {
            return "/";
        }

        var sb = new StringBuilder(rawPath.Length + 8);
        var segment = new List<byte>(64);
        foreach (var range in rawPath.Split('/'))
        {
            if (range.Start.Value > 0)
            {
                sb.Append('/');
            }

            segment.Clear();
            PercentDecode(rawPath[range], segment, plusIsSpace: false);
            UriEncode(sb, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(segment), keepSlash: false);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Canonical query: every parameter name and value decoded then re-encoded, sorted by name then value,
    /// "name=value" joined with '&amp;'. <paramref name="exclude"/> drops X-Amz-Signature for presigned URLs.
    /// </summary>
    public static string CanonicalQuery(ReadOnlySpan<char> rawQuery, string? exclude)
    {
        if (rawQuery.StartsWith("?"))
        {
            rawQuery = rawQuery[1..];
        }

        if (rawQuery.IsEmpty)
        {
            return string.Empty;
        }

        var pairs = new List<(string Name, string Value)>();
        var buf = new List<byte>(64);
        foreach (var range in rawQuery.Split('&'))
        {
            var part = rawQuery[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            var rawName = eq < 0 ? part : part[..eq];
            var rawValue = eq < 0 ? ReadOnlySpan<char>.Empty : part[(eq + 1)..];
            var name = Encode(rawName, buf);
            if (exclude is not null && string.Equals(name, exclude, StringComparison.Ordinal))
            {
                continue;
            }

            pairs.Add((name, Encode(rawValue, buf)));
        }

        pairs.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Name, b.Name);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });

        var sb = new StringBuilder(rawQuery.Length + 16);
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('&');
            }

            sb.Append(pairs[i].Name).Append('=').Append(pairs[i].Value);
        }

        return sb.ToString();

        static string Encode(ReadOnlySpan<char> raw, List<byte> buf)
        {
            buf.Clear();
            PercentDecode(raw, buf, plusIsSpace: true);
            var sb = new StringBuilder(raw.Length + 8);
            UriEncode(sb, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buf), keepSlash: false);
            return sb.ToString();
        }
    }

    /// <summary>Canonical header block ("name:value\n" per signed header) for sorted lower-case names.</summary>
    public static string CanonicalHeaders(IHeaderDictionary headers, IReadOnlyList<string> signedHeaders)
    {
        var sb = new StringBuilder(256);
        foreach (var name in signedHeaders)
        {
            sb.Append(name).Append(':');
            var values = headers[name];
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                AppendTrimmedCollapsed(sb, values[i]);
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Trims the value and collapses inner runs of spaces/tabs to a single space, as AWS does.</summary>
    public static void AppendTrimmedCollapsed(StringBuilder sb, string? value)
    {
        if (value is null)
        {
            return;
        }

        var v = value.AsSpan().Trim();
        var inSpace = false;
        foreach (var c in v)
        {
            if (c is ' ' or '\t')
            {
                if (!inSpace)
                {
                    sb.Append(' ');
                    inSpace = true;
                }
            }
            else
            {
                sb.Append(c);
                inSpace = false;
            }
        }
    }

    /// <summary>Decodes %XX escapes into bytes; other characters become their UTF-8 bytes. Bad escapes → InvalidURI.</summary>
    public static void PercentDecode(ReadOnlySpan<char> s, List<byte> output, bool plusIsSpace)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    throw S3Errors.InvalidURI();
                }

                output.Add((byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2])));
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                output.Add((byte)' ');
            }
            else if (c < 0x80)
            {
                output.Add((byte)c);
            }
            else
            {
                // Non-ASCII on the wire (some clients send raw UTF-8 that Kestrel surfaces as chars).
                Rune rune;
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    rune = new Rune(c, s[++i]);
                }
                else if (!Rune.TryCreate(c, out rune))
                {
                    throw S3Errors.InvalidURI();
                }

                var n = rune.EncodeToUtf8(utf8);
                for (var k = 0; k < n; k++)
                {
                    output.Add(utf8[k]);
                }
            }
        }
    }

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private const string HexUpper = "0123456789ABCDEF";
}
