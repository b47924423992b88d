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
        var lastModified = DateTimeOffset.FromUnixTimeMilliseconds(lastModifiedUnixMs);
        var ifMatch = request.Headers.IfMatch.ToString();
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifMatch.Length > 0)
        {
            if (!Matches(ifMatch, etag))
            {
                throw S3Errors.PreconditionFailed("If-Match");
            }
        }
        else if (TryDate(request.Headers.IfUnmodifiedSince.ToString(), out var unmodifiedSince) && Truncate(lastModified) > unmodifiedSince)
        {
            throw S3Errors.PreconditionFailed("If-Unmodified-Since");
        }
        if (ifNoneMatch.Length > 0)
        {
            if (Matches(ifNoneMatch, etag))
            {
                throw S3Errors.NotModified();
            }
        }
        else if (TryDate(request.Headers.IfModifiedSince.ToString(), out var modifiedSince) && Truncate(lastModified) <= modifiedSince)
        {
            throw S3Errors.NotModified();
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
