using System.Collections.Concurrent;
using Cairn.Frontend.Backends;
using Cairn.Frontend.Http;
using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Operations;

/// <summary>
/// Authorization on the bucket a request actually touches: only the owner's key may use it. Owners are
/// cached briefly (positive answers only) so small-object requests do not pay an extra namespace call each.
/// </summary>
public sealed class BucketAccess(IObjectMetadataStore metadata, TimeProvider time)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, (Bucket Bucket, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    public async Task<Bucket> RequireOwnerAsync(S3Request request) => await RequireOwnerAsync(request, request.Bucket);

    public async Task<Bucket> RequireOwnerAsync(S3Request request, string bucketName)
    {
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(bucketName, out var cached) || now - cached.At > Ttl)
        {
            cached = (await metadata.GetBucketAsync(bucketName, request.Aborted), now);
            _cache[bucketName] = cached;
        }
        if (!string.IsNullOrEmpty(cached.Bucket.Owner) && cached.Bucket.Owner != request.Auth.AccessKey)
        {
            throw S3Errors.AccessDenied();
        }
        return cached.Bucket;
    }

    public void Forget(string bucketName) => _cache.TryRemove(bucketName, out _);
}
