using Cairn.Common.V1;
using Cairn.Namespace.Store;
using Cairn.Namespace.V1;

namespace Cairn.Namespace.Domain;

/// <summary>What a commit returns: the committed version and the layouts it displaced.</summary>
public sealed record CommitResult(ObjectVersion Object, IReadOnlyList<ShardLayout> Garbage);

/// <summary>What a delete did: created/removed a delete marker (and its version id), and displaced layouts.</summary>
public sealed record DeleteResult(bool DeleteMarker, string VersionId, IReadOnlyList<ShardLayout> Garbage);

public sealed partial class NamespaceService
{
    public Task<CommitResult> PutObjectAsync(ObjectVersion obj, string ifMatch, bool ifNoneMatchStar, CancellationToken ct) =>
        Run("PutObject", async () =>
        {
            var key = ObjectKeys.Validate(obj.Key);
            ValidateLayouts(obj.Parts);
            var result = await store.WriteAsync(w =>
            {
                var bucket = RequireBucket(w, obj.Bucket);
                CheckConditions(w.GetLatestVersion(bucket.Name, key), ifMatch, ifNoneMatchStar);
                var garbage = new GarbageList();
                var committed = CommitVersion(w, bucket, key, obj, garbage);
                return new CommitResult(committed, garbage.Collect(w));
            }, ct);
            await PublishGarbageAsync(obj.Bucket, obj.Key, "overwritten", result.Garbage);
            return result;
        });

    public Task<ObjectVersion> GetObjectAsync(string bucket, string key, string versionId, CancellationToken ct) =>
        Run("GetObject", () =>
        {
            var k = ObjectKeys.Validate(key);
            return store.ReadAsync(r =>
            {
                RequireBucket(r, bucket);
                return WithLatestFlag(r, FindReadable(r, bucket, k, versionId));
            }, ct);
        });

    public Task<DeleteResult> DeleteObjectAsync(string bucket, string key, string versionId, CancellationToken ct) =>
        Run("DeleteObject", async () =>
        {
            var k = ObjectKeys.Validate(key);
            var result = await store.WriteAsync(w =>
            {
                var b = RequireBucket(w, bucket);
                var garbage = new GarbageList();
                var outcome = string.IsNullOrEmpty(versionId)
                    ? DeleteCurrent(w, b, k, key, garbage)
                    : DeleteSpecific(w, b, k, versionId, garbage);
                return outcome with { Garbage = garbage.Collect(w) };
            }, ct);
            await PublishGarbageAsync(bucket, key, "deleted", result.Garbage);
            return result;
        });

    public Task<ObjectVersion> UpdateObjectTagsAsync(
        string bucket, string key, string versionId, IReadOnlyDictionary<string, string> tags, CancellationToken ct) =>
        Run("UpdateObjectTags", () =>
        {
            var k = ObjectKeys.Validate(key);
            return store.WriteAsync(w =>
            {
                RequireBucket(w, bucket);
                var before = FindReadable(w, bucket, k, versionId);
                var updated = before.Object.Clone();
                updated.Tags.Clear();
                foreach (var (name, value) in tags)
                {
                    updated.Tags[name] = value;
                }
                var after = before with { Object = updated };
                w.UpdateVersion(before, after);
                return WithLatestFlag(w, after);
            }, ct);
        });

    /// <summary>
    /// Inserts a new version of <paramref name="key"/> as the latest. Unversioned and suspended buckets write the
    /// "null" version, replacing (and collecting) any previous "null" version; enabled buckets add a new id.
    /// </summary>
    private ObjectVersion CommitVersion(INamespaceWriter w, Bucket bucket, byte[] key, ObjectVersion obj, GarbageList garbage)
    {
        var now = NowMs;
        var seq = w.NextSequence();
        var versionId = bucket.Versioning == VersioningState.Enabled
            ? Identifiers.NewVersionId(now, seq)
            : Identifiers.NullVersion;
        if (versionId == Identifiers.NullVersion && w.GetVersion(bucket.Name, key, versionId) is { } displaced)
        {
            w.DeleteVersion(displaced);
            garbage.Add(displaced.Object.Parts);
        }

        var committed = obj.Clone();
        committed.Bucket = bucket.Name;
        committed.Key = ObjectKeys.Decode(key);
        committed.VersionId = versionId;
        committed.IsDeleteMarker = false;
        committed.LastModifiedUnixMs = now;
        if (string.IsNullOrEmpty(committed.Owner))
        {
            committed.Owner = bucket.Owner;
        }

        w.InsertVersion(new VersionRecord(bucket.Name, key, seq, committed));
        committed.IsLatest = true;
        return committed;
    }

    /// <summary>If-None-Match: * needs no current object; If-Match needs one whose ETag matches (or "*").</summary>
    private static void CheckConditions(VersionRecord? latest, string ifMatch, bool ifNoneMatchStar)
    {
        var current = latest is { IsDeleteMarker: false } ? latest : null;
        if (ifNoneMatchStar && current is not null)
        {
            throw NamespaceException.Precondition(ErrorCodes.PreconditionFailed);
        }

        if (!string.IsNullOrEmpty(ifMatch))
        {
            if (current is null)
            {
                throw NamespaceException.NotFound(ErrorCodes.NoSuchKey);
            }

            if (ifMatch.Trim() != "*" && !ETags.Matches(current.Object.Etag, ifMatch))
            {
                throw NamespaceException.Precondition(ErrorCodes.PreconditionFailed);
            }
        }
    }

    private DeleteResult DeleteCurrent(INamespaceWriter w, Bucket bucket, byte[] key, string keyText, GarbageList garbage)
    {
        if (bucket.Versioning == VersioningState.Unversioned)
        {
            if (w.GetVersion(bucket.Name, key, Identifiers.NullVersion) is { } current)
            {
                w.DeleteVersion(current);
                garbage.Add(current.Object.Parts);
            }

            return new DeleteResult(false, "", []);
        }

        // Versioned or suspended: a delete marker becomes the latest version.
        var now = NowMs;
        var seq = w.NextSequence();
        var versionId = bucket.Versioning == VersioningState.Enabled
            ? Identifiers.NewVersionId(now, seq)
            : Identifiers.NullVersion;
        if (versionId == Identifiers.NullVersion && w.GetVersion(bucket.Name, key, versionId) is { } displaced)
        {
            w.DeleteVersion(displaced);
            garbage.Add(displaced.Object.Parts);
        }

        var marker = new ObjectVersion
        {
            Bucket = bucket.Name,
            Key = keyText,
            VersionId = versionId,
            IsDeleteMarker = true,
            LastModifiedUnixMs = now,
            Owner = bucket.Owner,
        };
        w.InsertVersion(new VersionRecord(bucket.Name, key, seq, marker));
        return new DeleteResult(true, versionId, []);
    }

    private static DeleteResult DeleteSpecific(INamespaceWriter w, Bucket bucket, byte[] key, string versionId, GarbageList garbage)
    {
        // S3 answers success for a version that does not exist: the end state is the one asked for.
        if (w.GetVersion(bucket.Name, key, versionId) is not { } version)
        {
            return new DeleteResult(false, versionId, []);
        }

        w.DeleteVersion(version);
        garbage.Add(version.Object.Parts);
        return new DeleteResult(version.IsDeleteMarker, versionId, []);
    }

    /// <summary>The version a GET (or tagging) may act on; delete markers answer as S3 does.</summary>
    private static VersionRecord FindReadable(INamespaceReader r, string bucket, byte[] key, string versionId)
    {
        if (string.IsNullOrEmpty(versionId))
        {
            var latest = r.GetLatestVersion(bucket, key) ?? throw NamespaceException.NotFound(ErrorCodes.NoSuchKey);
            if (latest.IsDeleteMarker)
            {
                throw NamespaceException.NotFound(ErrorCodes.NoSuchKey, DeleteMarkerTrailers(latest.VersionId));
            }

            return latest;
        }

        var version = r.GetVersion(bucket, key, versionId) ?? throw NamespaceException.NotFound(ErrorCodes.NoSuchVersion);
        if (version.IsDeleteMarker)
        {
            throw new NamespaceException(
                NamespaceErrorKind.FailedPrecondition, ErrorCodes.MethodNotAllowed, DeleteMarkerTrailers(version.VersionId));
        }

        return version;
    }

    private static Dictionary<string, string> DeleteMarkerTrailers(string versionId) => new()
    {
        [ErrorCodes.DeleteMarkerTrailer] = "true",
        [ErrorCodes.VersionIdTrailer] = versionId,
    };

    private static ObjectVersion WithLatestFlag(INamespaceReader r, VersionRecord version)
    {
        var result = version.Object.Clone();
        result.IsLatest = r.GetLatestVersion(version.Bucket, version.Key)?.Seq == version.Seq;
        return result;
    }
}
