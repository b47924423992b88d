using Cairn.Frontend.Backends;
using Cairn.Frontend.Http;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>
/// ListObjectVersions: every version and delete marker, newest first per key, paged by (key-marker,
/// version-id-marker) exactly as the namespace pages them.
/// </summary>
public sealed class ListObjectVersions(IObjectVersionCatalog versions, BucketAccess access)
{
    public async Task HandleAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var url = ListObjects.UrlEncoding(request);
        var maxKeys = ListObjects.ParseMaxKeys(request);
        var prefix = request.Query("prefix") ?? string.Empty;
        var delimiter = request.Query("delimiter");
        var keyMarker = request.Query("key-marker") ?? string.Empty;
        var versionIdMarker = request.Query("version-id-marker") ?? string.Empty;
        if (versionIdMarker.Length > 0 && keyMarker.Length == 0)
        {
            throw S3Errors.InvalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", versionIdMarker);
        }
        var page = maxKeys == 0
            ? new ListObjectVersionsResponse()
            : await versions.ListObjectVersionsAsync(new ListObjectVersionsRequest
            {
                Bucket = request.Bucket,
                Prefix = prefix,
                Delimiter = delimiter ?? string.Empty,
                KeyMarker = keyMarker,
                VersionIdMarker = versionIdMarker,
                MaxKeys = (uint)maxKeys,
            }, request.Aborted);

        await S3Xml.WriteAsync(request.Response, "ListVersionsResult", w =>
        {
            w.Element("Name", request.Bucket);
            w.Element("Prefix", ListObjects.Encode(prefix, url));
            w.Element("KeyMarker", ListObjects.Encode(keyMarker, url));
            w.Element("VersionIdMarker", versionIdMarker);
            if (page.IsTruncated)
            {
                w.Element("NextKeyMarker", ListObjects.Encode(page.NextKeyMarker, url));
                w.Element("NextVersionIdMarker", page.NextVersionIdMarker);
            }
            w.Element("MaxKeys", maxKeys);
            w.Element("Delimiter", ListObjects.Encode(delimiter, url));
            w.Element("IsTruncated", page.IsTruncated);
            w.Element("EncodingType", url ? "url" : null);
            foreach (var v in page.Versions)
            {
                WriteVersion(w, v, url);
            }
            foreach (var common in page.CommonPrefixes)
            {
                w.WriteStartElement("CommonPrefixes", S3Xml.Namespace);
                w.Element("Prefix", ListObjects.Encode(common, url));
                w.WriteEndElement();
            }
        });
    }

    private static void WriteVersion(System.Xml.XmlWriter w, ObjectVersion v, bool url)
    {
        w.WriteStartElement(v.IsDeleteMarker ? "DeleteMarker" : "Version", S3Xml.Namespace);
        w.Element("Key", ListObjects.Encode(v.Key, url));
        w.Element("VersionId", string.IsNullOrEmpty(v.VersionId) ? "null" : v.VersionId);
        w.Element("IsLatest", v.IsLatest);
        w.Element("LastModified", S3Xml.Timestamp(v.LastModifiedUnixMs));
        if (!v.IsDeleteMarker)
        {
            w.Element("ETag", v.Etag);
            w.Element("Size", (long)v.Size);
            w.Element("StorageClass", string.IsNullOrEmpty(v.StorageClass) ? "STANDARD" : v.StorageClass);
        }
        Buckets.WriteOwner(w, v.Owner);
        w.WriteEndElement();
    }
}
