using Cairn.Common.V1;
using Cairn.Namespace.Store;
using Cairn.Namespace.V1;

namespace Cairn.Namespace.Domain;

public sealed record PartListing(IReadOnlyList<PartRecord> Parts, bool IsTruncated, uint NextPartNumberMarker);

public sealed record UploadListing(
    IReadOnlyList<MultipartUpload> Uploads, bool IsTruncated, string NextKeyMarker, string NextUploadIdMarker);

public sealed partial class NamespaceService
{
    public const long MinPartSize = 5L * 1024 * 1024;
    public const uint MaxPartNumber = 10_000;

    public Task<MultipartUpload> CreateMultipartUploadAsync(ObjectVersion template, CancellationToken ct) =>
        Run("CreateMultipartUpload", () =>
        {
            var key = ObjectKeys.Validate(template.Key);
            return store.WriteAsync(w =>
            {
                RequireBucket(w, template.Bucket);
                var upload = new MultipartUpload
                {
                    Bucket = template.Bucket,
                    Key = template.Key,
                    UploadId = Identifiers.NewUploadId(),
                    InitiatedUnixMs = NowMs,
                    Template = template.Clone(),
                };
                upload.Template.Parts.Clear();
                w.InsertUpload(new UploadRecord(template.Bucket, key, w.NextSequence(), upload));
                return upload;
            }, ct);
        });

    public Task<MultipartUpload> GetMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct) =>
        Run("GetMultipartUpload", () =>
        {
            var k = ObjectKeys.Validate(key);
            return store.ReadAsync(r => RequireUpload(r, bucket, k, uploadId).Upload, ct);
        });

    /// <summary>Stores a part; a re-uploaded part number displaces the old part, whose layout becomes garbage.</summary>
    public Task<IReadOnlyList<ShardLayout>> PutPartAsync(
        string bucket, string key, string uploadId, ObjectPart part, CancellationToken ct) =>
        Run("PutPart", async () =>
        {
            var k = ObjectKeys.Validate(key);
            if (part.PartNumber is < 1 or > MaxPartNumber)
            {
                throw NamespaceException.Invalid(ErrorCodes.InvalidArgument);
            }

            ValidateLayouts([part]);
            var garbage = await store.WriteAsync(w =>
            {
                var upload = RequireUpload(w, bucket, k, uploadId);
                var list = new GarbageList();
                if (w.GetPart(uploadId, part.PartNumber) is { } old)
                {
                    w.DeletePart(upload, old);
                    list.Add([old.Part]);
                }

                w.PutPart(upload, new PartRecord(uploadId, part.Clone(), NowMs));
                return list.Collect(w);
            }, ct);
            await PublishGarbageAsync(bucket, key, "part-replaced", garbage);
            return garbage;
        });

    public Task<PartListing> ListPartsAsync(
        string bucket, string key, string uploadId, uint partNumberMarker, uint maxParts, CancellationToken ct) =>
        Run("ListParts", () =>
        {
            var k = ObjectKeys.Validate(key);
            var limit = PageSize(maxParts);
            return store.ReadAsync(r =>
            {
                RequireUpload(r, bucket, k, uploadId);
                var page = r.SeekParts(uploadId, partNumberMarker).Take(limit + 1).ToList();
                var truncated = page.Count > limit;
                if (truncated)
                {
                    page.RemoveAt(limit);
                }

                return new PartListing(page, truncated, truncated ? page[^1].Part.PartNumber : 0);
            }, ct);
        });

    /// <summary>
    /// A checksum the client lists for a part must be the one stored with it; one the part was not uploaded with
    /// cannot be checked and is not held against it.
    /// </summary>
    private static bool ChecksumsMatch(ObjectPart stored, CompletedPart listed) =>
        listed.Checksums.All(c => !stored.Checksums.TryGetValue(c.Key, out var own) || own.Length == 0
            || string.Equals(own, c.Value, StringComparison.Ordinal));

    /// <summary>
    /// Stitches the listed parts into one version, in metadata only. Validation follows S3: parts ascending
    /// (InvalidPartOrder), each uploaded with that ETag (InvalidPart), all but the last at least 5 MiB
    /// (EntityTooSmall), and any checksum listed for a part equal to the one the part was uploaded with (InvalidPart).
    /// Uploaded parts not listed become garbage.
    /// </summary>
    public Task<CommitResult> CompleteMultipartUploadAsync(
        string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> parts, string ifMatch,
        bool ifNoneMatchStar, CancellationToken ct) =>
        Run("CompleteMultipartUpload", async () =>
        {
            var k = ObjectKeys.Validate(key);
            if (parts.Count == 0)
            {
                throw NamespaceException.Invalid(ErrorCodes.MalformedXml);
            }

            for (var i = 1; i < parts.Count; i++)
            {
                if (parts[i].PartNumber <= parts[i - 1].PartNumber)
                {
                    throw NamespaceException.Precondition(ErrorCodes.InvalidPartOrder);
                }
            }

            var result = await store.WriteAsync(w =>
            {
                var upload = RequireUpload(w, bucket, k, uploadId);
                var b = RequireBucket(w, bucket);
                var chosen = new List<PartRecord>(parts.Count);
                foreach (var listed in parts)
                {
                    var stored = w.GetPart(uploadId, listed.PartNumber);
                    if (stored is null || !ETags.Matches(stored.Part.Etag, listed.Etag) || !ChecksumsMatch(stored.Part, listed))
                    {
                        throw NamespaceException.Precondition(ErrorCodes.InvalidPart);
                    }

                    chosen.Add(stored);
                }

                if (chosen.SkipLast(1).Any(p => (long)p.Part.Size < MinPartSize))
                {
                    throw NamespaceException.Precondition(ErrorCodes.EntityTooSmall);
                }

                CheckConditions(w.GetLatestVersion(bucket, k), ifMatch, ifNoneMatchStar);

                var garbage = new GarbageList();
                var listedNumbers = chosen.Select(p => p.Part.PartNumber).ToHashSet();
                foreach (var part in w.SeekParts(uploadId, 0).ToList())
                {
                    w.DeletePart(upload, part);
                    if (!listedNumbers.Contains(part.Part.PartNumber))
                    {
                        garbage.Add([part.Part]);
                    }
                }

                w.DeleteUpload(upload);

                var obj = upload.Upload.Template.Clone();
                obj.Bucket = bucket;
                obj.Key = key;
                obj.Parts.Clear();
                obj.Parts.AddRange(chosen.Select(p => p.Part));
                obj.Size = (ulong)chosen.Sum(p => (long)p.Part.Size);
                obj.Etag = ETags.Multipart(chosen.Select(p => p.Part.Etag).ToList());
                var committed = CommitVersion(w, b, k, obj, garbage);
                return new CommitResult(committed, garbage.Collect(w));
            }, ct);
            await PublishGarbageAsync(bucket, key, "overwritten", result.Garbage);
            return result;
        });

    public Task<IReadOnlyList<ShardLayout>> AbortMultipartUploadAsync(
        string bucket, string key, string uploadId, CancellationToken ct) =>
        Run("AbortMultipartUpload", async () =>
        {
            var k = ObjectKeys.Validate(key);
            var garbage = await store.WriteAsync(w =>
            {
                var upload = RequireUpload(w, bucket, k, uploadId);
                var list = new GarbageList();
                foreach (var part in w.SeekParts(uploadId, 0).ToList())
                {
                    w.DeletePart(upload, part);
                    list.Add([part.Part]);
                }

                w.DeleteUpload(upload);
                return list.Collect(w);
            }, ct);
            await PublishGarbageAsync(bucket, key, "aborted", garbage);
            return garbage;
        });

    public Task<UploadListing> ListMultipartUploadsAsync(
        string bucket, string prefix, string keyMarker, string uploadIdMarker, uint maxUploads, CancellationToken ct) =>
        Run("ListMultipartUploads", () => store.ReadAsync(r =>
        {
            RequireBucket(r, bucket);
            var limit = PageSize(maxUploads);
            var p = ObjectKeys.Encode(prefix);
            var end = ObjectKeys.PrefixEnd(p);
            byte[] from = p;
            long? seqAbove = null;
            if (!string.IsNullOrEmpty(keyMarker))
            {
                var marker = ObjectKeys.Encode(keyMarker);
                if (!string.IsNullOrEmpty(uploadIdMarker) && r.GetUpload(bucket, marker, uploadIdMarker) is { } at)
                {
                    (from, seqAbove) = (marker, at.Seq);
                }
                else
                {
                    from = ObjectKeys.Max(ObjectKeys.Successor(marker), p);
                }
            }

            var page = r.SeekUploads(bucket, from, seqAbove, end).Take(limit + 1).Select(u => u.Upload).ToList();
            var truncated = page.Count > limit;
            if (truncated)
            {
                page.RemoveAt(limit);
            }

            return truncated
                ? new UploadListing(page, true, page[^1].Key, page[^1].UploadId)
                : new UploadListing(page, false, "", "");
        }, ct));

    private static UploadRecord RequireUpload(INamespaceReader r, string bucket, byte[] key, string uploadId)
    {
        RequireBucket(r, bucket);
        return r.GetUpload(bucket, key, uploadId) ?? throw NamespaceException.NotFound(ErrorCodes.NoSuchUpload);
    }
}
