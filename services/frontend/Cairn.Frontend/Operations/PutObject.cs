using Cairn.Frontend.Backends;
using Cairn.Frontend.DataPath;
using Cairn.Frontend.Http;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>PutObject: stream the verified body to durable shards, then commit the version in the namespace.</summary>
public sealed class PutObject(IObjectMetadataStore metadata, BucketAccess access, ObjectWriter writer)
{
    public async Task HandleAsync(S3Request request)
    {
        await access.RequireOwnerAsync(request);
        var version = new ObjectVersion { Bucket = request.Bucket, Key = request.Key, Owner = request.Auth.AccessKey };
        ObjectHeaders.ReadInto(request.Request, version);
        version.Tags.Add(TagSet.FromHeader(request.Header("x-amz-tagging")));
        version.StorageClass = writer.StorageClassOf(request.Header("x-amz-storage-class"));
        var commit = new PutObjectRequest { Object = version };
        ReadWriteConditions(request, commit);

        var stored = await StoreBodyAsync(request, writer, request.Bucket, version.StorageClass);
        version.Size = (ulong)stored.Data.Digest.Size;
        version.Etag = stored.Data.Digest.ETag;
        version.Parts.Add(new ObjectPart
        {
            PartNumber = 1,
            Size = version.Size,
            Etag = version.Etag,
            Layout = stored.Data.Layout,
            Checksums = { stored.Checksums },
        });
        version.Checksums.Add(stored.Checksums);
        if (stored.Checksums.Count > 0)
        {
            version.ChecksumType = "FULL_OBJECT";
        }

        // Shards are durable here; the version becomes visible only with this commit.
        var committed = await metadata.PutObjectAsync(commit, request.Aborted);
        request.Response.Headers.ETag = version.Etag;
        ObjectHeaders.WriteVersionId(request.Response, committed.Object?.VersionId);
        WriteChecksumHeaders(request, stored.Checksums);
        request.Response.ContentLength = 0;
    }

    internal sealed record StoredBody(StoredData Data, Dictionary<string, string> Checksums);

    /// <summary>Shared by PutObject and UploadPart: length checks, the verified stream, the integrity claims.</summary>
    internal static async Task<StoredBody> StoreBodyAsync(S3Request request, ObjectWriter writer, string bucket, string? storageClass, ChecksumAlgorithm? uploadAlgorithm = null)
    {
        var integrity = PayloadIntegrity.FromRequest(request.Request, uploadAlgorithm);
        await using var payload = request.OpenPayload();
        var sizeHint = payload.DecodedLength >= 0 ? payload.DecodedLength : request.Request.ContentLength ?? -1;
        if (sizeHint < 0 && !IsChunked(request))
        {
            throw S3Errors.MissingContentLength();
        }
        if (sizeHint > 5L * 1024 * 1024 * 1024)
        {
            throw S3Errors.EntityTooLarge();
        }
        var data = await writer.WriteAsync(payload, bucket, Math.Max(0, sizeHint), storageClass, integrity.Algorithms, d => integrity.Verify(d, payload), request.Aborted);
        var checksums = data.Digest.Checksums.ToDictionary(c => S3Checksums.Name(c.Key), c => c.Value, StringComparer.Ordinal);
        return new StoredBody(data, checksums);
    }

    internal static void WriteChecksumHeaders(S3Request request, IReadOnlyDictionary<string, string> checksums)
    {
        foreach (var (name, value) in checksums)
        {
            if (S3Checksums.TryParseAlgorithm(name, out var alg))
            {
                request.Response.Headers[S3Checksums.HeaderName(alg)] = value;
            }
        }
    }

    internal static void ReadWriteConditions(S3Request request, PutObjectRequest commit)
    {
        var ifNoneMatch = request.Header("If-None-Match");
        if (ifNoneMatch is not null)
        {
            // S3 supports only the "create if absent" form of If-None-Match on writes.
            commit.IfNoneMatchStar = ifNoneMatch.Trim() == "*"
                ? true
                : throw S3Errors.NotImplemented("If-None-Match on writes supports only '*'.");
        }
        var ifMatch = request.Header("If-Match");
        if (ifMatch is not null)
        {
            commit.IfMatch = ifMatch.Trim();
        }
    }

    private static bool IsChunked(S3Request request) =>
        request.Request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase)
        || request.Auth.Payload is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer;
}
