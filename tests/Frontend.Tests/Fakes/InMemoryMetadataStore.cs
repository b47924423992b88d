using System.Security.Cryptography;
using Cairn.Frontend.Backends;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Frontend.Tests.Fakes;

/// <summary>An unversioned, in-memory namespace with the real service's error convention (as S3Exceptions).</summary>
public sealed class InMemoryMetadataStore : IObjectMetadataStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<string, ObjectVersion>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (MultipartUpload Upload, SortedDictionary<uint, ObjectPart> Parts)> _uploads = new(StringComparer.Ordinal);
    private long _clock = 1_700_000_000_000;

    public int ObjectCount(string bucket)
    {
        lock (_lock)
        {
            return _objects.TryGetValue(bucket, out var o) ? o.Count : 0;
        }
    }

    public Task<Bucket> CreateBucketAsync(CreateBucketRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_buckets.TryGetValue(request.Name, out var existing))
            {
                throw existing.Owner == request.Owner ? S3Errors.BucketAlreadyOwnedByYou(request.Name) : S3Errors.BucketAlreadyExists(request.Name);
            }
            var bucket = new Bucket { Name = request.Name, Owner = request.Owner, Region = request.Region, CreatedUnixMs = Tick() };
            _buckets[request.Name] = bucket;
            _objects[request.Name] = new SortedDictionary<string, ObjectVersion>(StringComparer.Ordinal);
            return Task.FromResult(bucket);
        }
    }

    public Task DeleteBucketAsync(string bucket, CancellationToken ct)
    {
        lock (_lock)
        {
            RequireBucket(bucket);
            if (_objects[bucket].Count > 0)
            {
                throw S3Errors.BucketNotEmpty(bucket);
            }
            _buckets.Remove(bucket);
            _objects.Remove(bucket);
            return Task.CompletedTask;
        }
    }

    public Task<Bucket> GetBucketAsync(string bucket, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(RequireBucket(bucket));
        }
    }

    public Task<IReadOnlyList<Bucket>> ListBucketsAsync(string owner, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Bucket>>(_buckets.Values.Where(b => b.Owner == owner).ToList());
        }
    }

    public Task<Bucket> SetBucketVersioningAsync(string bucket, VersioningState state, CancellationToken ct)
    {
        lock (_lock)
        {
            var b = RequireBucket(bucket);
            b.Versioning = state;
            return Task.FromResult(b);
        }
    }

    public Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            var o = request.Object;
            RequireBucket(o.Bucket);
            _objects[o.Bucket].TryGetValue(o.Key, out var current);
            if (request.IfNoneMatchStar && current is not null)
            {
                throw S3Errors.PreconditionFailed();
            }
            if (request.IfMatch.Length > 0 && (current is null || current.Etag.Trim('"') != request.IfMatch.Trim('"')))
            {
                throw current is null ? S3Errors.NoSuchKey(o.Key) : S3Errors.PreconditionFailed();
            }
            var stored = o.Clone();
            stored.VersionId = "null";
            stored.IsLatest = true;
            stored.LastModifiedUnixMs = Tick();
            _objects[o.Bucket][o.Key] = stored;
            var response = new PutObjectResponse { Object = stored.Clone() };
            if (current is not null)
            {
                response.Garbage.AddRange(current.Parts.Select(p => p.Layout));
            }
            return Task.FromResult(response);
        }
    }

    public Task<ObjectVersion> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken ct)
    {
        lock (_lock)
        {
            RequireBucket(bucket);
            if (!_objects[bucket].TryGetValue(key, out var o) || (versionId is not null && versionId != o.VersionId))
            {
                throw versionId is null ? S3Errors.NoSuchKey(key) : S3Errors.NoSuchVersion();
            }
            return Task.FromResult(o.Clone());
        }
    }

    public Task<DeleteObjectResponse> DeleteObjectAsync(string bucket, string key, string? versionId, CancellationToken ct)
    {
        lock (_lock)
        {
            RequireBucket(bucket);
            var response = new DeleteObjectResponse();
            if (_objects[bucket].Remove(key, out var old))
            {
                response.Garbage.AddRange(old.Parts.Select(p => p.Layout));
            }
            return Task.FromResult(response);
        }
    }

    public Task<ListObjectsResponse> ListObjectsAsync(ListObjectsRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            RequireBucket(request.Bucket);
            var max = (int)Math.Min(request.MaxKeys == 0 ? 1000 : request.MaxKeys, 1000);
            var response = new ListObjectsResponse();
            string? lastPrefix = null;
            var count = 0;
            foreach (var (key, o) in _objects[request.Bucket])
            {
                if (string.CompareOrdinal(key, request.StartAfter) <= 0 || !key.StartsWith(request.Prefix, StringComparison.Ordinal))
                {
                    continue;
                }
                string? common = null;
                if (request.Delimiter.Length > 0)
                {
                    var at = key.IndexOf(request.Delimiter, request.Prefix.Length, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        common = key[..(at + request.Delimiter.Length)];
                    }
                }
                if (common is not null && common == lastPrefix)
                {
                    continue;
                }
                if (common is not null && string.CompareOrdinal(common, request.StartAfter) <= 0)
                {
                    continue;
                }
                if (count == max)
                {
                    response.IsTruncated = true;
                    break;
                }
                count++;
                if (common is not null)
                {
                    response.CommonPrefixes.Add(common);
                    lastPrefix = common;
                    response.NextStartAfter = common;
                }
                else
                {
                    var entry = o.Clone();
                    entry.Parts.Clear();
                    response.Objects.Add(entry);
                    response.NextStartAfter = key;
                }
            }
            return Task.FromResult(response);
        }
    }

    public Task<MultipartUpload> CreateMultipartUploadAsync(ObjectVersion template, CancellationToken ct)
    {
        lock (_lock)
        {
            RequireBucket(template.Bucket);
            var upload = new MultipartUpload
            {
                Bucket = template.Bucket,
                Key = template.Key,
                UploadId = Guid.NewGuid().ToString("N"),
                InitiatedUnixMs = Tick(),
                Template = template.Clone(),
            };
            _uploads[upload.UploadId] = (upload, new SortedDictionary<uint, ObjectPart>());
            return Task.FromResult(upload.Clone());
        }
    }

    public Task<MultipartUpload> GetMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(RequireUpload(bucket, key, uploadId).Upload.Clone());
        }
    }

    public Task PutPartAsync(PutPartRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            RequireUpload(request.Bucket, request.Key, request.UploadId).Parts[request.Part.PartNumber] = request.Part.Clone();
            return Task.CompletedTask;
        }
    }

    public Task<ListPartsResponse> ListPartsAsync(ListPartsRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            var parts = RequireUpload(request.Bucket, request.Key, request.UploadId).Parts.Values.Where(p => p.PartNumber > request.PartNumberMarker).ToList();
            var max = (int)(request.MaxParts == 0 ? 1000 : request.MaxParts);
            var response = new ListPartsResponse { IsTruncated = parts.Count > max };
            foreach (var part in parts.Take(max))
            {
                response.Parts.Add(part);
                response.PartModifiedUnixMs.Add(_clock);
                response.NextPartNumberMarker = part.PartNumber;
            }
            return Task.FromResult(response);
        }
    }

    public Task<PutObjectResponse> CompleteMultipartUploadAsync(CompleteMultipartUploadRequest request, CancellationToken ct)
    {
        ObjectVersion version;
        lock (_lock)
        {
            var (upload, parts) = RequireUpload(request.Bucket, request.Key, request.UploadId);
            uint last = 0;
            version = upload.Template.Clone();
            using var md5s = new MemoryStream();
            for (var i = 0; i < request.Parts.Count; i++)
            {
                var wanted = request.Parts[i];
                if (wanted.PartNumber <= last)
                {
                    throw S3Errors.InvalidPartOrder();
                }
                last = wanted.PartNumber;
                if (!parts.TryGetValue(wanted.PartNumber, out var part) || part.Etag != wanted.Etag)
                {
                    throw S3Errors.InvalidPart();
                }
                if (i < request.Parts.Count - 1 && part.Size < 5 * 1024 * 1024)
                {
                    throw S3Errors.EntityTooSmall();
                }
                md5s.Write(Convert.FromHexString(part.Etag.Trim('"')));
                version.Parts.Add(part.Clone());
                version.Size += part.Size;
            }
#pragma warning disable CA5351
            version.Etag = "\"" + Convert.ToHexStringLower(MD5.HashData(md5s.ToArray())) + "-" + request.Parts.Count + "\"";
#pragma warning restore CA5351
            version.Checksums.Clear();
            _uploads.Remove(request.UploadId);
        }
        return PutObjectAsync(new PutObjectRequest { Object = version, IfMatch = request.IfMatch, IfNoneMatchStar = request.IfNoneMatchStar }, ct);
    }

    public Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct)
    {
        lock (_lock)
        {
            RequireUpload(bucket, key, uploadId);
            _uploads.Remove(uploadId);
            return Task.CompletedTask;
        }
    }

    public Task<ListMultipartUploadsResponse> ListMultipartUploadsAsync(ListMultipartUploadsRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            RequireBucket(request.Bucket);
            var response = new ListMultipartUploadsResponse();
            response.Uploads.AddRange(_uploads.Values.Select(u => u.Upload).Where(u => u.Bucket == request.Bucket && u.Key.StartsWith(request.Prefix, StringComparison.Ordinal))
                .OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => u.Clone()));
            return Task.FromResult(response);
        }
    }

    private Bucket RequireBucket(string bucket) =>
        _buckets.TryGetValue(bucket, out var b) ? b : throw S3Errors.NoSuchBucket(bucket);

    private (MultipartUpload Upload, SortedDictionary<uint, ObjectPart> Parts) RequireUpload(string bucket, string key, string uploadId)
    {
        RequireBucket(bucket);
        return _uploads.TryGetValue(uploadId, out var u) && u.Upload.Key == key ? u : throw S3Errors.NoSuchUpload();
    }

    private long Tick() => _clock += 1000;
}
