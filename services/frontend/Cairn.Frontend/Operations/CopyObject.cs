using System.IO.Pipelines;
using Cairn.Frontend.Backends;
using Cairn.Frontend.DataPath;
using Cairn.Frontend.Http;
using Cairn.Frontend.Routing;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>
/// CopyObject: the source is read through the verified GET path and piped into the PUT path, so the copy gets
/// its own fresh shards (no shared layouts: GC of one version can never remove the other's bytes).
/// </summary>
public sealed class CopyObject(IObjectMetadataStore metadata, BucketAccess access, ObjectReader reader, ObjectWriter writer)
{
    public async Task HandleAsync(S3Request request)
    {
        var (sourceBucket, sourceKey, sourceVersion) = ParseSource(request.Header("x-amz-copy-source")!);
        // Authorization on both buckets actually touched, the source included.
        await access.RequireOwnerAsync(request);
        await access.RequireOwnerAsync(request, sourceBucket);
        var source = await metadata.GetObjectAsync(sourceBucket, sourceKey, sourceVersion, request.Aborted);
        CheckCopyConditions(request, source);

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
        target.StorageClass = writer.StorageClassOf(request.Header("x-amz-storage-class") ?? NullIfEmpty(source.StorageClass));
        var algorithms = source.Checksums.Keys
            .Select(n => S3Checksums.TryParseAlgorithm(n, out var a) ? (ChecksumAlgorithm?)a : null)
            .OfType<ChecksumAlgorithm>()
            .ToList();

        var size = (long)source.Size;
        var pipe = new Pipe();
        var pump = PumpAsync(source, size, pipe.Writer, request.Aborted);
        StoredData stored;
        try
        {
            await using var input = pipe.Reader.AsStream();
            stored = await writer.WriteAsync(input, request.Bucket, size, target.StorageClass, algorithms, digest =>
            {
                if (digest.Size != size)
                {
                    throw S3Errors.InternalError();
                }
            }, request.Aborted);
        }
        finally
        {
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

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

    private async Task PumpAsync(ObjectVersion source, long size, PipeWriter output, CancellationToken ct)
    {
        try
        {
            await using var stream = output.AsStream(leaveOpen: true);
            await reader.CopyRangeAsync(source, 0, size, stream, ct);
            await output.CompleteAsync();
        }
        catch (Exception e)
        {
            await output.CompleteAsync(e);
        }
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

    private static void CheckCopyConditions(S3Request request, ObjectVersion source)
    {
        var ifMatch = request.Header("x-amz-copy-source-if-match");
        if (ifMatch is not null && !Conditions.Matches(ifMatch, source.Etag))
        {
            throw S3Errors.PreconditionFailed("x-amz-copy-source-If-Match");
        }
        var ifNoneMatch = request.Header("x-amz-copy-source-if-none-match");
        if (ifNoneMatch is not null && Conditions.Matches(ifNoneMatch, source.Etag))
        {
            throw S3Errors.PreconditionFailed("x-amz-copy-source-If-None-Match");
        }
    }
}
