using Cairn.Namespace.Store;
using Cairn.Namespace.V1;

namespace Cairn.Namespace.Domain;

public sealed record ObjectListing(
    IReadOnlyList<ObjectVersion> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string NextStartAfter);

public sealed record VersionListing(
    IReadOnlyList<ObjectVersion> Versions,
    IReadOnlyList<string> CommonPrefixes,
    bool IsTruncated,
    string NextKeyMarker,
    string NextVersionIdMarker);

/// <summary>
/// Listing costs O(page): rows are read lazily in key order, and when a key rolls up into a common prefix the
/// store seeks to the end of that prefix (INamespaceReader.SeekLatestRollingUp), so the keys under it are never read.
/// </summary>
public sealed partial class NamespaceService
{
    public Task<ObjectListing> ListObjectsAsync(
        string bucket, string prefix, string delimiter, string startAfter, uint maxKeys, CancellationToken ct) =>
        Run("ListObjects", () => store.ReadAsync(r =>
        {
            RequireBucket(r, bucket);
            var range = new ListRange(prefix, delimiter);
            var limit = PageSize(maxKeys);
            var objects = new List<ObjectVersion>();
            var prefixes = new List<string>();
            var truncated = false;
            var last = "";
            var lo = range.Start(startAfter);

            // The store rolls keys up into common prefixes itself, seeking past each one, so every row is an entry.
            var rows = lo is null ? []
                : range.HasDelimiter ? r.SeekLatestRollingUp(bucket, lo, range.End, range.Prefix.Length, range.Delimiter, limit + 1)
                : r.SeekLatest(bucket, lo, range.End, limit + 1);
            foreach (var row in rows)
            {
                if (objects.Count + prefixes.Count == limit)
                {
                    truncated = true;
                    break;
                }

                if (range.CommonPrefix(row.Key) is { } cp)
                {
                    prefixes.Add(last = ObjectKeys.Decode(cp));
                }
                else
                {
                    objects.Add(ForListing(row.Object, isLatest: true));
                    last = row.Object.Key;
                }
            }

            return new ObjectListing(objects, prefixes, truncated, truncated ? last : "");
        }, ct));

    public Task<VersionListing> ListObjectVersionsAsync(
        string bucket, string prefix, string delimiter, string keyMarker, string versionIdMarker, uint maxKeys,
        CancellationToken ct) =>
        Run("ListObjectVersions", () => store.ReadAsync(r =>
        {
            RequireBucket(r, bucket);
            var range = new ListRange(prefix, delimiter);
            var limit = PageSize(maxKeys);
            var versions = new List<ObjectVersion>();
            var prefixes = new List<string>();
            var truncated = false;
            string lastKey = "", lastVersion = "";
            var cursor = VersionStart(r, bucket, range, keyMarker, versionIdMarker);
            while (cursor is not null && !truncated)
            {
                VersionCursor? reseek = null;
                byte[]? previousKey = cursor.SeqBelow is null ? null : cursor.Key;
                foreach (var row in r.SeekVersions(bucket, cursor, range.End, limit - versions.Count - prefixes.Count + 1))
                {
                    if (versions.Count + prefixes.Count == limit)
                    {
                        truncated = true;
                        break;
                    }

                    if (range.CommonPrefix(row.Key) is { } cp)
                    {
                        prefixes.Add(lastKey = ObjectKeys.Decode(cp));
                        lastVersion = "";
                        var end = ObjectKeys.PrefixEnd(cp);
                        reseek = end is null ? null : new VersionCursor(end, null);
                        break;
                    }

                    // Rows come newest first per key, so the first row of a key is its latest version.
                    var isLatest = previousKey is null || !row.Key.AsSpan().SequenceEqual(previousKey);
                    previousKey = row.Key;
                    versions.Add(ForListing(row.Object, isLatest));
                    lastKey = row.Object.Key;
                    lastVersion = row.VersionId;
                }

                cursor = reseek;
            }

            return truncated
                ? new VersionListing(versions, prefixes, true, lastKey, lastVersion)
                : new VersionListing(versions, prefixes, false, "", "");
        }, ct));

    private static VersionCursor? VersionStart(
        INamespaceReader r, string bucket, ListRange range, string keyMarker, string versionIdMarker)
    {
        if (string.IsNullOrEmpty(keyMarker))
        {
            return range.Start("") is { } lo ? new VersionCursor(lo, null) : null;
        }

        var marker = ObjectKeys.Encode(keyMarker);
        if (!string.IsNullOrEmpty(versionIdMarker) && ObjectKeys.Compare(marker, range.Prefix) >= 0
            && (range.End is null || ObjectKeys.Compare(marker, range.End) < 0) && range.CommonPrefix(marker) is null)
        {
            var at = r.GetVersion(bucket, marker, versionIdMarker)
                ?? throw NamespaceException.Invalid(ErrorCodes.InvalidArgument);
            return new VersionCursor(marker, at.Seq);
        }

        return range.Start(keyMarker) is { } start ? new VersionCursor(start, null) : null;
    }

    /// <summary>Listings carry no layouts: they are for clients, and layouts are the bulk of a version.</summary>
    private static ObjectVersion ForListing(ObjectVersion stored, bool isLatest)
    {
        var listed = stored.Clone();
        listed.Parts.Clear();
        listed.IsLatest = isLatest;
        return listed;
    }

    /// <summary>The key range of a listing and its delimiter roll-up, in UTF-8 bytes.</summary>
    private sealed class ListRange(string prefix, string delimiter)
    {
        private readonly byte[] _delimiter = ObjectKeys.Encode(delimiter);

        public byte[] Prefix { get; } = ObjectKeys.Encode(prefix);

        public byte[] Delimiter => _delimiter;

        public bool HasDelimiter => _delimiter.Length > 0;

        public byte[]? End => ObjectKeys.PrefixEnd(Prefix);

        /// <summary>
        /// Where a listing resumes after <paramref name="after"/> (exclusive). When <paramref name="after"/> is itself
        /// a common prefix (the previous page ended on it), resume past everything under it. Null: nothing left.
        /// </summary>
        public byte[]? Start(string after)
        {
            if (string.IsNullOrEmpty(after))
            {
                return Prefix;
            }

            var a = ObjectKeys.Encode(after);
            var lo = ObjectKeys.Successor(a);
            if (CommonPrefix(a) is { } cp && cp.AsSpan().SequenceEqual(a))
            {
                lo = ObjectKeys.PrefixEnd(cp) ?? [];
                if (lo.Length == 0)
                {
                    return null;
                }
            }

            return ObjectKeys.Max(lo, Prefix);
        }

        /// <summary>The common prefix <paramref name="key"/> rolls up into, or null when it lists as itself.</summary>
        public byte[]? CommonPrefix(byte[] key)
        {
            if (_delimiter.Length == 0 || key.Length < Prefix.Length || !key.AsSpan().StartsWith(Prefix))
            {
                return null;
            }

            var at = key.AsSpan(Prefix.Length).IndexOf(_delimiter);
            return at < 0 ? null : key[..(Prefix.Length + at + _delimiter.Length)];
        }
    }
}
