using Cairn.Frontend.Backends;
using Cairn.Frontend.Http;
using Cairn.Frontend.Routing;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>
/// CopyObject: the source bytes are copied into fresh shards (<see cref="SourceCopy"/>), metadata and tags are
/// copied or replaced as the directives say.
/// </summary>
public sealed class CopyObject(IObjectMetadataStore metadata, BucketAccess access, SourceCopy copier)
{
    public async Task HandleAsync(S3Request request)
    {
        var (sourceBucket, sourceKey, sourceVersion) = ParseSource(request.Header("x-amz-copy-source")!);
        // Authorization on both buckets actually touched, the source included.
        await access.RequireOwnerAsync(request);
        await access.RequireOwnerAsync(request, sourceBucket);
        var source = await metadata.GetObjectAsync(sourceBucket, sourceKey, sourceVersion, request.Aborted);
        Conditions.CheckCopySource(request.Request, source.Etag, source.LastModifiedUnixMs);

        var target = new ObjectVersion { Bucket = request.Bucket, Key = request.Key, Owner = request.Auth.AccessKey };
        var replace = string.Equals(request.Header("x-amz-metadata-directive"), "REPLACE", StringComparison.OrdinalIgnoreCase);
        if (replace)
        {
            ObjectHeaders.ReadInto(request.Request, target);
        }
        else
        {
            if (sourceBucket == request.Bucket && sourceKey == request.Key && sourceVersion is null)
            {
                throw S3Errors.InvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
            }
            target.ContentType = source.ContentType;
            target.Headers.Add(source.Headers);
            target.UserMetadata.Add(source.UserMetadata);
        }
        var replaceTags = string.Equals(request.Header("x-amz-tagging-directive"), "REPLACE", StringComparison.OrdinalIgnoreCase);
        target.Tags.Add(replaceTags ? TagSet.FromHeader(request.Header("x-amz-tagging")) : source.Tags);

        var size = (long)source.Size;
        target.StorageClass = copier.StorageClassOf(request.Header("x-amz-storage-class") ?? NullIfEmpty(source.StorageClass));
        var stored = await copier.CopyAsync(source, 0, size, request.Bucket, target.StorageClass, SourceCopy.AlgorithmsOf(source), request.Aborted);

        var checksums = stored.Digest.Checksums.ToDictionary(c => S3Checksums.Name(c.Key), c => c.Value, StringComparer.Ordinal);
        target.Size = (ulong)size;
        target.Etag = stored.Digest.ETag;
        target.Checksums.Add(checksums);
        if (checksums.Count > 0)
        {
            target.ChecksumType = "FULL_OBJECT";
        }
        target.Parts.Add(new ObjectPart { PartNumber = 1, Size = target.Size, Etag = target.Etag, Layout = stored.Layout, Checksums = { checksums } });
        var commit = new PutObjectRequest { Object = target };
        PutObject.ReadWriteConditions(request, commit);
        var committed = await metadata.PutObjectAsync(commit, request.Aborted);

        ObjectHeaders.WriteVersionId(request.Response, committed.Object?.VersionId);
        if (source.VersionId is { Length: > 0 } v && v != "null")
        {
            request.Response.Headers["x-amz-copy-source-version-id"] = v;
        }
        await S3Xml.WriteAsync(request.Response, "CopyObjectResult", w =>
        {
            w.Element("ETag", target.Etag);
            w.Element("LastModified", S3Xml.Timestamp(committed.Object?.LastModifiedUnixMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        });
    }

    /// <summary>"bucket/key" or "/bucket/key", percent-encoded, optional "?versionId=".</summary>
    internal static (string Bucket, string Key, string? VersionId) ParseSource(string header)
    {
        var value = header.Trim();
        string? versionId = null;
        var q = value.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            var query = value[(q + 1)..];
            value = value[..q];
            if (query.StartsWith("versionId=", StringComparison.Ordinal))
            {
                versionId = Uri.UnescapeDataString(query["versionId=".Length..]);
            }
        }
        // The header is percent-encoded as a whole (clients differ on encoding the first '/'): decode once.
        var decoded = ObjectKeyDecoder.DecodeSegment(value);
        if (decoded.StartsWith('/'))
        {
            decoded = decoded[1..];
        }
        var slash = decoded.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == decoded.Length - 1)
        {
            throw S3Errors.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", header);
        }
        var bucket = decoded[..slash];
        if (!BucketNames.IsValid(bucket))
        {
            throw S3Errors.InvalidArgument("Invalid copy source bucket name", "x-amz-copy-source", header);
        }
        // The key is opaque: "../other-bucket/k" is a key in the named bucket, never a path to another bucket.
        var key = decoded[(slash + 1)..];
        ObjectKeyDecoder.ValidateKeyText(key);
        return (bucket, key, versionId);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
