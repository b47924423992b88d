namespace Cairn.Namespace.Store;

/// <summary>
/// Loads brand-new keys fast (imports, benchmarks): one version per key, in one transaction per batch,
/// without the per-commit checks of the domain. The store assigns each record's commit sequence (the Seq
/// passed in is ignored). A key or shard that already exists fails the whole batch.
/// </summary>
public interface INamespaceBulkLoader
{
    Task BulkInsertNewKeysAsync(IReadOnlyList<VersionRecord> versions, CancellationToken ct);
}
