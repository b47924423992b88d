using Cairn.Namespace.V1;

namespace Namespace.Tests.Model;

/// <summary>
/// A plain in-memory reference model of one bucket's S3 namespace semantics: versioning states, "null" versions,
/// delete markers, If-None-Match, and listing (prefix, delimiter, start-after/markers, pages) computed the
/// obvious way: materialise everything, then filter. Version ids for enabled buckets come from the system under
/// test (they are random); the model checks they are fresh and otherwise decides everything itself.
/// </summary>
public sealed class NamespaceModel
{
    public const string Null = "null";

    private readonly SortedDictionary<string, List<ModelVersion>> _keys = new(Utf8Order.Instance);
    private readonly HashSet<string> _usedIds = [];

    public VersioningState Versioning { get; set; } = VersioningState.Unversioned;

    /// <summary>Versions of a key, newest first.</summary>
    public IReadOnlyList<ModelVersion> VersionsOf(string key) => _keys.TryGetValue(key, out var v) ? v : [];

    public long LiveObjects => _keys.Values.Count(v => v.Count > 0 && !v[0].IsDeleteMarker);

    public long TotalVersions => _keys.Values.Sum(v => v.Count);

    public long TotalBytes => _keys.Values.SelectMany(v => v).Where(v => !v.IsDeleteMarker).Sum(v => v.Size);

    /// <summary>Returns the error code S3 would answer, or null when the commit happens.</summary>
    public string? Put(string key, string etag, long size, bool ifNoneMatchStar, string? assignedVersionId)
    {
        var versions = Versions(key);
        if (ifNoneMatchStar && versions.Count > 0 && !versions[0].IsDeleteMarker)
        {
            return "PreconditionFailed";
        }

        Insert(key, versions, new ModelVersion(key, NewVersionId(assignedVersionId), false, etag, size));
        return null;
    }

    public (bool DeleteMarker, string VersionId) Delete(string key, string? versionId, string? assignedVersionId)
    {
        var versions = Versions(key);
        if (versionId is not null)
        {
            var at = versions.FindIndex(v => v.VersionId == versionId);
            if (at < 0)
            {
                return (false, versionId);
            }

            var removed = versions[at];
            versions.RemoveAt(at);
            return (removed.IsDeleteMarker, versionId);
        }

        if (Versioning == VersioningState.Unversioned)
        {
            versions.RemoveAll(v => v.VersionId == Null);
            return (false, "");
        }

        var marker = new ModelVersion(key, NewVersionId(assignedVersionId), true, "", 0);
        Insert(key, versions, marker);
        return (true, marker.VersionId);
    }

    /// <summary>The version a GET returns, or the error code (with the delete marker's id when one is involved).</summary>
    public (ModelVersion? Version, string? Error, string? MarkerId) Get(string key, string? versionId)
    {
        var versions = Versions(key);
        if (versionId is null)
        {
            return versions.Count == 0 ? (null, "NoSuchKey", null)
                : versions[0].IsDeleteMarker ? (null, "NoSuchKey", versions[0].VersionId)
                : (versions[0], null, null);
        }

        var found = versions.Find(v => v.VersionId == versionId);
        return found is null ? (null, "NoSuchVersion", null)
            : found.IsDeleteMarker ? (null, "MethodNotAllowed", found.VersionId)
            : (found, null, null);
    }

    public bool IsLatest(ModelVersion version) => Versions(version.Key) is [var first, ..] && first == version;

    public ListPage ListObjects(string prefix, string delimiter, string startAfter, int maxKeys)
    {
        var entries = new List<ListEntry>();
        foreach (var (key, versions) in _keys)
        {
            if (versions.Count == 0 || versions[0].IsDeleteMarker || !key.StartsWith(prefix, StringComparison.Ordinal)
                || (startAfter.Length > 0 && Utf8Order.Instance.Compare(key, startAfter) <= 0))
            {
                continue;
            }

            AddEntry(entries, RollUp(key, prefix, delimiter), startAfter, versions[0]);
        }

        return Page(entries, maxKeys);
    }

    public ListPage ListVersions(string prefix, string delimiter, string keyMarker, string versionIdMarker, int maxKeys)
    {
        var resumeWithinKey = keyMarker.Length > 0 && versionIdMarker.Length > 0
            && keyMarker.StartsWith(prefix, StringComparison.Ordinal) && RollUp(keyMarker, prefix, delimiter) is null;
        var entries = new List<ListEntry>();
        foreach (var (key, versions) in _keys)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var order = keyMarker.Length == 0 ? 1 : Utf8Order.Instance.Compare(key, keyMarker);
            var skip = 0;
            if (order < 0 || (order == 0 && !resumeWithinKey))
            {
                continue;
            }

            if (order == 0)
            {
                skip = versions.FindIndex(v => v.VersionId == versionIdMarker) + 1;
            }

            foreach (var version in versions.Skip(skip))
            {
                AddEntry(entries, RollUp(key, prefix, delimiter), keyMarker, version);
            }
        }

        return Page(entries, maxKeys);
    }

    private static void AddEntry(List<ListEntry> entries, string? commonPrefix, string marker, ModelVersion version)
    {
        if (commonPrefix is null)
        {
            entries.Add(new ListEntry(version.Key, version, null));
        }
        else if (commonPrefix != marker && (entries.Count == 0 || entries[^1].CommonPrefix != commonPrefix))
        {
            // A marker that is itself a common prefix means the previous page already returned it.
            entries.Add(new ListEntry(commonPrefix, null, commonPrefix));
        }
    }

    private static ListPage Page(List<ListEntry> entries, int maxKeys)
    {
        var page = entries.Take(maxKeys).ToList();
        var truncated = entries.Count > maxKeys;
        return new ListPage(page, truncated, truncated ? page[^1] : null);
    }

    private static string? RollUp(string key, string prefix, string delimiter)
    {
        if (delimiter.Length == 0)
        {
            return null;
        }

        var at = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return at < 0 ? null : key[..(at + delimiter.Length)];
    }

    private List<ModelVersion> Versions(string key)
    {
        if (!_keys.TryGetValue(key, out var versions))
        {
            _keys[key] = versions = [];
        }

        return versions;
    }

    private void Insert(string key, List<ModelVersion> versions, ModelVersion version)
    {
        if (version.VersionId == Null)
        {
            versions.RemoveAll(v => v.VersionId == Null);
        }

        versions.Insert(0, version);
        _keys[key] = versions;
    }

    private string NewVersionId(string? assigned)
    {
        if (Versioning != VersioningState.Enabled)
        {
            return Null;
        }

        if (assigned is null or Null || !_usedIds.Add(assigned))
        {
            throw new InvalidOperationException($"system under test assigned a reused or null version id '{assigned}'");
        }

        return assigned;
    }
}

public sealed record ModelVersion(string Key, string VersionId, bool IsDeleteMarker, string ETag, long Size);

/// <summary>One listing entry: a version (or latest object) or a common prefix.</summary>
public sealed record ListEntry(string Name, ModelVersion? Version, string? CommonPrefix);

public sealed record ListPage(IReadOnlyList<ListEntry> Entries, bool IsTruncated, ListEntry? Last);
