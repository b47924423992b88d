using Cairn.Frontend.Backends;
using Cairn.Frontend.Http;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>DeleteObject and DeleteObjects (metadata only: shards become garbage for background GC).</summary>
public sealed class DeleteObject(IObjectMetadataStore metadata, BucketAccess access)
{
    private const int MaxKeys = 1000;
    private const int MaxBodyBytes = 2 * 1024 * 1024;

    public async Task DeleteAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var result = await DeleteOneAsync(request, request.Key, request.VersionId);
        if (result.DeleteMarker)
        {
            request.Response.Headers["x-amz-delete-marker"] = "true";
        }
        ObjectHeaders.WriteVersionId(request.Response, result.VersionId);
        request.Response.StatusCode = 204;
    }

    public async Task DeleteManyAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var body = await RequestXml.ReadAsync(request, MaxBodyBytes);
        VerifyBody(request, body.Bytes);
        var root = body.Document?.Root;
        if (root is null || root.Name.LocalName != "Delete")
        {
            throw S3Errors.MalformedXML();
        }
        var quiet = string.Equals(root.ChildValue("Quiet"), "true", StringComparison.OrdinalIgnoreCase);
        var objects = root.Children("Object").ToList();
        if (objects.Count == 0 || objects.Count > MaxKeys)
        {
            throw S3Errors.MalformedXML();
        }
        var targets = objects.Select(o => (Key: o.ChildValue("Key"), VersionId: o.ChildValue("VersionId"))).ToList();
        if (targets.Any(t => t.Key is null))
        {
            throw S3Errors.MalformedXML();
        }

        var results = new List<(string Key, string? VersionId, DeleteObjectResponse? Result, S3Exception? Error)>();
        foreach (var (key, versionId) in targets)
        {
            try
            {
                Routing.ObjectKeyDecoder.ValidateKeyText(key!);
                results.Add((key!, versionId, await DeleteOneAsync(request, key!, string.IsNullOrEmpty(versionId) ? null : versionId), null));
            }
            catch (S3Exception e)
            {
                results.Add((key!, versionId, null, e));
            }
        }
        await S3Xml.WriteAsync(request.Response, "DeleteResult", w =>
        {
            foreach (var (key, versionId, result, error) in results)
            {
                if (error is not null)
                {
                    w.WriteStartElement("Error", S3Xml.Namespace);
                    w.Element("Key", key);
                    w.Element("VersionId", versionId);
                    w.Element("Code", error.Code);
                    w.Element("Message", error.Message);
                    w.WriteEndElement();
                }
                else if (!quiet)
                {
                    w.WriteStartElement("Deleted", S3Xml.Namespace);
                    w.Element("Key", key);
                    w.Element("VersionId", versionId);
                    if (result!.DeleteMarker)
                    {
                        w.Element("DeleteMarker", true);
                        w.Element("DeleteMarkerVersionId", result.VersionId);
                    }
                    w.WriteEndElement();
                }
            }
        });
    }

    /// <summary>Deleting a key that does not exist succeeds, as in S3.</summary>
    private async Task<DeleteObjectResponse> DeleteOneAsync(S3Request request, string key, string? versionId)
    {
        try
        {
            return await metadata.DeleteObjectAsync(request.Bucket, key, versionId, request.Aborted);
        }
        catch (S3Exception e) when (e.Code == "NoSuchKey" || (e.Code == "NoSuchVersion" && versionId == "null"))
        {
            return new DeleteObjectResponse();
        }
    }

    /// <summary>DeleteObjects bodies carry Content-MD5 or an x-amz-checksum header; check whichever came.</summary>
    private static void VerifyBody(S3Request request, byte[] body)
    {
        var md5Header = request.Header("Content-MD5");
        if (md5Header is not null)
        {
            var claimed = new byte[16];
            if (!Convert.TryFromBase64String(md5Header.Trim(), claimed, out var n) || n != 16)
            {
                throw S3Errors.InvalidDigest();
            }
#pragma warning disable CA5351 // Content-MD5 is an integrity check S3 defines with MD5.
            if (!System.Security.Cryptography.MD5.HashData(body).AsSpan().SequenceEqual(claimed))
#pragma warning restore CA5351
            {
                throw S3Errors.BadDigest();
            }
        }
        foreach (var alg in Enum.GetValues<ChecksumAlgorithm>())
        {
            var claimed = request.Header(S3Checksums.HeaderName(alg));
            if (claimed is null)
            {
                continue;
            }
            using var calculator = ChecksumCalculator.Create(alg);
            calculator.Append(body);
            if (calculator.GetBase64() != claimed.Trim())
            {
                throw S3Errors.BadDigest();
            }
        }
    }
}
