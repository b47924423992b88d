using Cairn.Frontend.Backends;
using Cairn.Frontend.Http;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>
/// UploadPartCopy: a part whose bytes are a range of an existing object. The range is copied into the part's
/// own fresh shards (like any uploaded part), so completing the upload still only stitches metadata.
/// </summary>
public sealed class UploadPartCopy(IObjectMetadataStore metadata, BucketAccess access, SourceCopy copier)
{
    public async Task HandleAsync(S3Request request)
    {
        var (sourceBucket, sourceKey, sourceVersion) = CopyObject.ParseSource(request.Header("x-amz-copy-source")!);
        await access.RequireOwnerAsync(request);
        await access.RequireOwnerAsync(request, sourceBucket);
        var partNumber = Multipart.ParsePartNumber(request.Query("partNumber"));
        var uploadId = request.Query("uploadId")!;
        // NoSuchUpload and a missing source both fail before any byte is copied.
        var upload = await metadata.GetMultipartUploadAsync(request.Bucket, request.Key, uploadId, request.Aborted);
        var source = await metadata.GetObjectAsync(sourceBucket, sourceKey, sourceVersion, request.Aborted);
        Conditions.CheckCopySource(request.Request, source.Etag, source.LastModifiedUnixMs);
        var range = ByteRange.ParseCopySource(request.Header("x-amz-copy-source-range"), (long)source.Size);

        var algorithms = Multipart.AlgorithmOf(upload) is { } algorithm ? new[] { algorithm } : [];
        var stored = await copier.CopyAsync(source, range.Offset, range.Length, request.Bucket, upload.Template?.StorageClass, algorithms, request.Aborted);
        var checksums = stored.Digest.Checksums.ToDictionary(c => S3Checksums.Name(c.Key), c => c.Value, StringComparer.Ordinal);
        await metadata.PutPartAsync(new PutPartRequest
        {
            Bucket = request.Bucket,
            Key = request.Key,
            UploadId = uploadId,
            Part = new ObjectPart
            {
                PartNumber = (uint)partNumber,
                Size = (ulong)stored.Digest.Size,
                Etag = stored.Digest.ETag,
                Layout = stored.Layout,
                Checksums = { checksums },
            },
        }, request.Aborted);

        if (source.VersionId is { Length: > 0 } v && v != "null")
        {
            request.Response.Headers["x-amz-copy-source-version-id"] = v;
        }
        await S3Xml.WriteAsync(request.Response, "CopyPartResult", w =>
        {
            w.Element("ETag", stored.Digest.ETag);
            w.Element("LastModified", S3Xml.Timestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            foreach (var (name, value) in checksums)
            {
                w.Element("Checksum" + name, value);
            }
        });
    }
}
