using System.Text;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Http;

namespace Cairn.Frontend.Http;

/// <summary>The object headers S3 stores with an object and returns on GET/HEAD.</summary>
public static class ObjectHeaders
{
    public const int MaxUserMetadataBytes = 2048;
    private const string MetaPrefix = "x-amz-meta-";
    private static readonly string[] Stored = ["Content-Encoding", "Content-Disposition", "Cache-Control", "Expires", "Content-Language"];

    /// <summary>Copies content headers and x-amz-meta-* from the request into <paramref name="target"/>.</summary>
    public static void ReadInto(HttpRequest request, ObjectVersion target)
    {
        target.ContentType = request.ContentType ?? "binary/octet-stream";
        foreach (var name in Stored)
        {
            var value = request.Headers[name].ToString();
            if (name == "Content-Encoding")
            {
                // aws-chunked describes the transfer of this request, not the stored object.
                value = string.Join(',', value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Where(v => !v.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)));
            }
            if (value.Length > 0)
            {
                target.Headers[name] = value;
            }
        }
        var metadataBytes = 0;
        foreach (var (name, value) in request.Headers)
        {
            if (name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var key = name[MetaPrefix.Length..].ToLowerInvariant();
                var text = value.ToString();
                metadataBytes += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(text);
                target.UserMetadata[key] = text;
            }
        }
        if (metadataBytes > MaxUserMetadataBytes)
        {
            throw S3Errors.MetadataTooLarge();
        }
    }

    /// <summary>Writes the headers of a GET/HEAD response (not Content-Length, which depends on the range).</summary>
    public static void Write(HttpRequest request, HttpResponse response, ObjectVersion version, bool wholeObject)
    {
        response.Headers.ETag = version.Etag;
        response.Headers.LastModified = S3Xml.HttpDate(version.LastModifiedUnixMs);
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = string.IsNullOrEmpty(version.ContentType) ? "binary/octet-stream" : version.ContentType;
        WriteVersionId(response, version.VersionId);
        foreach (var (name, value) in version.Headers)
        {
            response.Headers[name] = value;
        }
        foreach (var (name, value) in version.UserMetadata)
        {
            response.Headers[MetaPrefix + name] = value;
        }
        if (version.Tags.Count > 0)
        {
            response.Headers["x-amz-tagging-count"] = version.Tags.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (version.Parts.Count > 1)
        {
            response.Headers["x-amz-mp-parts-count"] = version.Parts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        // Checksums describe the whole object, so they are only meaningful (and only sent) without a range.
        if (wholeObject && string.Equals(request.Headers["x-amz-checksum-mode"].ToString(), "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (alg, value) in ObjectChecksums.Of(version))
            {
                response.Headers[S3Checksums.HeaderName(alg)] = value;
            }
            if (!string.IsNullOrEmpty(version.ChecksumType))
            {
                response.Headers["x-amz-checksum-type"] = version.ChecksumType;
            }
        }
        ApplyResponseOverrides(request, response);
    }

    public static void WriteVersionId(HttpResponse response, string? versionId)
    {
        if (!string.IsNullOrEmpty(versionId) && versionId != "null")
        {
            response.Headers["x-amz-version-id"] = versionId;
        }
    }

    private static void ApplyResponseOverrides(HttpRequest request, HttpResponse response)
    {
        (string Query, string Header)[] overrides =
        [
            ("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"),
            ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"),
            ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding"),
        ];
        foreach (var (query, header) in overrides)
        {
            if (request.Query.TryGetValue(query, out var value) && value.Count > 0)
            {
                response.Headers[header] = value.ToString();
            }
        }
    }
}
