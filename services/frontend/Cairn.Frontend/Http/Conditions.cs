using System.Globalization;
using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Http;

namespace Cairn.Frontend.Http;

/// <summary>
/// Conditional reads (RFC 9110 as S3 applies it): If-Match / If-Unmodified-Since fail with 412;
/// If-None-Match / If-Modified-Since answer 304. When If-Match holds, If-Unmodified-Since is ignored;
/// when If-None-Match is present, If-Modified-Since is ignored.
/// </summary>
public static class Conditions
{
    public static void CheckRead(HttpRequest request, string etag, long lastModifiedUnixMs)
    {
        var h = request.Headers;
        Check(h.IfMatch.ToString(), h.IfUnmodifiedSince.ToString(), h.IfNoneMatch.ToString(), h.IfModifiedSince.ToString(),
            etag, lastModifiedUnixMs, S3Errors.NotModified, string.Empty);
    }

    /// <summary>
    /// The x-amz-copy-source-if-* headers of CopyObject and UploadPartCopy: the same precedence as reads,
    /// but every failed condition is 412 (a copy has no "not modified" answer).
    /// </summary>
    public static void CheckCopySource(HttpRequest request, string etag, long lastModifiedUnixMs)
    {
        const string prefix = "x-amz-copy-source-";
        var h = request.Headers;
        Check(h[prefix + "if-match"].ToString(), h[prefix + "if-unmodified-since"].ToString(), h[prefix + "if-none-match"].ToString(),
            h[prefix + "if-modified-since"].ToString(), etag, lastModifiedUnixMs, () => S3Errors.PreconditionFailed(), prefix);
    }

    private static void Check(string ifMatch, string ifUnmodifiedSince, string ifNoneMatch, string ifModifiedSince,
        string etag, long lastModifiedUnixMs, Func<S3Exception> notModified, string conditionPrefix)
    {
        var lastModified = DateTimeOffset.FromUnixTimeMilliseconds(lastModifiedUnixMs);
        if (ifMatch.Length > 0)
        {
            if (!Matches(ifMatch, etag))
            {
                throw S3Errors.PreconditionFailed(conditionPrefix + "If-Match");
            }
        }
        else if (TryDate(ifUnmodifiedSince, out var unmodifiedSince) && Truncate(lastModified) > unmodifiedSince)
        {
            throw S3Errors.PreconditionFailed(conditionPrefix + "If-Unmodified-Since");
        }
        if (ifNoneMatch.Length > 0)
        {
            if (Matches(ifNoneMatch, etag))
            {
                throw notModified();
            }
        }
        else if (TryDate(ifModifiedSince, out var modifiedSince) && Truncate(lastModified) <= modifiedSince)
        {
            throw notModified();
        }
    }

    /// <summary>True when any entity tag of a comma-separated list (or "*") matches.</summary>
    public static bool Matches(string header, string etag)
    {
        foreach (var candidate in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tag = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
            if (tag == "*" || Unquote(tag) == Unquote(etag))
            {
                return true;
            }
        }
        return false;
    }

    public static string Unquote(string etag) => etag.Trim().Trim('"');

    // HTTP dates have second resolution; comparing milliseconds would make an exact echo of Last-Modified fail.
    private static DateTimeOffset Truncate(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());

    private static bool TryDate(string value, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date)
        || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);
}
