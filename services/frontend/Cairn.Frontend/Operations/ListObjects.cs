using System.Globalization;
using System.Text;
using Cairn.Frontend.Backends;
using Cairn.Frontend.Http;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>ListObjects (v1) and ListObjectsV2: one namespace page per request, max-keys capped at 1000.</summary>
public sealed class ListObjects(IObjectMetadataStore metadata, BucketAccess access)
{
    public const int MaxKeys = 1000;

    // A tag in the token lets garbage be told apart from a real position (and leaves room for a v2 format).
    private const string TokenPrefix = "cairn1:";

    public async Task V2Async(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var url = UrlEncoding(request);
        var maxKeys = ParseMaxKeys(request);
        var token = request.Query("continuation-token");
        var startAfter = request.Query("start-after");
        var start = token is not null ? DecodeToken(token) : startAfter ?? string.Empty;
        var page = await PageAsync(request, start, maxKeys);
        var fetchOwner = string.Equals(request.Query("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase);

        await S3Xml.WriteAsync(request.Response, "ListBucketResult", w =>
        {
            w.Element("Name", request.Bucket);
            w.Element("Prefix", Encode(request.Query("prefix") ?? string.Empty, url));
            w.Element("Delimiter", Encode(request.Query("delimiter"), url));
            w.Element("MaxKeys", maxKeys);
            w.Element("KeyCount", page.Objects.Count + page.CommonPrefixes.Count);
            w.Element("IsTruncated", page.IsTruncated);
            w.Element("ContinuationToken", token);
            if (page.IsTruncated)
            {
                w.Element("NextContinuationToken", EncodeToken(page.NextStartAfter));
            }
            w.Element("StartAfter", Encode(startAfter, url));
            w.Element("EncodingType", url ? "url" : null);
            WriteEntries(w, page, url, fetchOwner);
        });
    }

    public async Task V1Async(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var url = UrlEncoding(request);
        var maxKeys = ParseMaxKeys(request);
        var marker = request.Query("marker") ?? string.Empty;
        var delimiter = request.Query("delimiter");
        var page = await PageAsync(request, marker, maxKeys);

        await S3Xml.WriteAsync(request.Response, "ListBucketResult", w =>
        {
            w.Element("Name", request.Bucket);
            w.Element("Prefix", Encode(request.Query("prefix") ?? string.Empty, url));
            w.Element("Marker", Encode(marker, url));
            // S3 sends NextMarker only with a delimiter; without one the client continues from the last key.
            if (page.IsTruncated && !string.IsNullOrEmpty(delimiter))
            {
                w.Element("NextMarker", Encode(page.NextStartAfter, url));
            }
            w.Element("MaxKeys", maxKeys);
            w.Element("Delimiter", Encode(delimiter, url));
            w.Element("IsTruncated", page.IsTruncated);
            w.Element("EncodingType", url ? "url" : null);
            WriteEntries(w, page, url, fetchOwner: true);
        });
    }

    private async Task<ListObjectsResponse> PageAsync(S3Request request, string startAfter, int maxKeys)
    {
        if (maxKeys == 0)
        {
            return new ListObjectsResponse();
        }
        return await metadata.ListObjectsAsync(new ListObjectsRequest
        {
            Bucket = request.Bucket,
            Prefix = request.Query("prefix") ?? string.Empty,
            Delimiter = request.Query("delimiter") ?? string.Empty,
            StartAfter = startAfter,
            MaxKeys = (uint)maxKeys,
        }, request.Aborted);
    }

    private static void WriteEntries(System.Xml.XmlWriter w, ListObjectsResponse page, bool url, bool fetchOwner)
    {
        foreach (var o in page.Objects)
        {
            w.WriteStartElement("Contents", S3Xml.Namespace);
            w.Element("Key", Encode(o.Key, url));
            w.Element("LastModified", S3Xml.Timestamp(o.LastModifiedUnixMs));
            w.Element("ETag", o.Etag);
            w.Element("Size", (long)o.Size);
            w.Element("StorageClass", string.IsNullOrEmpty(o.StorageClass) ? "STANDARD" : o.StorageClass);
            if (fetchOwner)
            {
                Buckets.WriteOwner(w, o.Owner);
            }
            w.WriteEndElement();
        }
        foreach (var prefix in page.CommonPrefixes)
        {
            w.WriteStartElement("CommonPrefixes", S3Xml.Namespace);
            w.Element("Prefix", Encode(prefix, url));
            w.WriteEndElement();
        }
    }

    internal static int ParseMaxKeys(S3Request request, string name = "max-keys")
    {
        var raw = request.Query(name);
        if (raw is null)
        {
            return MaxKeys;
        }
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            // Digits only; a value past int range is still just "a lot".
            if (raw.Length > 0 && raw.All(char.IsAsciiDigit))
            {
                return MaxKeys;
            }
            throw S3Errors.InvalidArgument("Provided max-keys not an integer or within integer range", name, raw);
        }
        return Math.Min(value, MaxKeys);
    }

    internal static bool UrlEncoding(S3Request request)
    {
        var encoding = request.Query("encoding-type");
        return encoding switch
        {
            null => false,
            "url" => true,
            _ => throw S3Errors.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding),
        };
    }

    internal static string? Encode(string? value, bool url) =>
        value is null || !url ? value : Uri.EscapeDataString(value).Replace("%2F", "/", StringComparison.Ordinal);

    public static string EncodeToken(string startAfter) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(TokenPrefix + startAfter));

    public static string DecodeToken(string token)
    {
        try
        {
            var text = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(token));
            if (text.StartsWith(TokenPrefix, StringComparison.Ordinal))
            {
                return text[TokenPrefix.Length..];
            }
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            // Falls through to the S3 error below.
        }
        throw S3Errors.InvalidArgument("The continuation token provided is incorrect", "continuation-token", token);
    }
}
