using Cairn.Namespace.V1;

namespace Cairn.Namespace.Domain;

public sealed partial class NamespaceService
{
    public Task<Bucket> CreateBucketAsync(string name, string owner, string region, CancellationToken ct) =>
        Run("CreateBucket", () =>
        {
            BucketNames.Validate(name);
            return store.WriteAsync(w =>
            {
                if (w.GetBucket(name) is { } existing)
                {
                    throw new NamespaceException(
                        NamespaceErrorKind.AlreadyExists,
                        existing.Owner == owner ? ErrorCodes.BucketAlreadyOwnedByYou : ErrorCodes.BucketAlreadyExists);
                }

                var bucket = new Bucket
                {
                    Name = name,
                    Owner = owner,
                    Region = region,
                    CreatedUnixMs = NowMs,
                    Versioning = VersioningState.Unversioned,
                };
                w.PutBucket(bucket);
                return bucket;
            }, ct);
        });

    public Task<bool> DeleteBucketAsync(string name, CancellationToken ct) =>
        Run("DeleteBucket", () => store.WriteAsync(w =>
        {
            RequireBucket(w, name);
            if (w.BucketHasContent(name))
            {
                throw NamespaceException.Precondition(ErrorCodes.BucketNotEmpty);
            }

            w.DeleteBucket(name);
            return true;
        }, ct));

    public Task<Bucket> GetBucketAsync(string name, CancellationToken ct) =>
        Run("GetBucket", () => store.ReadAsync(r => RequireBucket(r, name), ct));

    public Task<IReadOnlyList<Bucket>> ListBucketsAsync(string owner, CancellationToken ct) =>
        Run("ListBuckets", () => store.ReadAsync<IReadOnlyList<Bucket>>(
            r => r.ListBuckets().Where(b => string.IsNullOrEmpty(owner) || b.Owner == owner).ToList(), ct));

    /// <summary>S3: once enabled, versioning can only be suspended, never turned back off.</summary>
    public Task<Bucket> SetBucketVersioningAsync(string name, VersioningState state, CancellationToken ct) =>
        Run("SetBucketVersioning", () => store.WriteAsync(w =>
        {
            var bucket = RequireBucket(w, name).Clone();
            if (state == VersioningState.Unversioned && bucket.Versioning != VersioningState.Unversioned)
            {
                throw NamespaceException.Invalid(ErrorCodes.InvalidArgument);
            }

            bucket.Versioning = state;
            w.PutBucket(bucket);
            return bucket;
        }, ct));
}
