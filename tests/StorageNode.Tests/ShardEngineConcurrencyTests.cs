using Cairn.StorageNode.Shards.Engine;
using CsCheck;

namespace StorageNode.Tests;

/// <summary>
/// Linearizability: random puts, deletes, overwrites and reclamation run in parallel on one engine (with
/// tiny extents, so reclamation moves chunks while writers append), and the final contents must equal the
/// model after some sequential order of the same operations (CsCheck SampleParallel).
/// </summary>
public class ShardEngineConcurrencyTests
{
    private static readonly string[] Ids = ["a", "b", "c"];

    public static long Iterations => long.TryParse(Environment.GetEnvironmentVariable("CAIRN_SHARDSTORE_PARALLEL"), out long n) ? n : 40;

    [Fact]
    public void ShardEngine_ParallelOperations_AreLinearizable_SampleParallel()
    {
        var id = Gen.Int[0, Ids.Length - 1].Select(i => Ids[i]);
        Check.SampleParallel(
            Gen.Const(() => (new EngineUnderTest(), new SortedDictionary<string, byte[]>(StringComparer.Ordinal))),
            id.Select(Gen.Int[0, 90], Gen.Int[0, 1000], (i, size, seed) => (i, size, seed)).Operation<EngineUnderTest, SortedDictionary<string, byte[]>>(
                t => $"put {t.i} {t.size}b",
                (e, t) => e.Put(t.i, ShardData.Bytes(t.size, t.seed)),
                (m, t) => m[t.i] = ShardData.Bytes(t.size, t.seed)),
            id.Operation<EngineUnderTest, SortedDictionary<string, byte[]>>(
                i => $"delete {i}",
                (e, i) => e.Delete(i),
                (m, i) => m.Remove(i)),
            Gen.Const(0).Operation<EngineUnderTest, SortedDictionary<string, byte[]>>(
                _ => "reclaim",
                (e, _) => e.Reclaim(),
                (_, _) => { }),
            equal: (engine, model) => engine.Contents().SequenceEqual(model, ContentComparer.Instance),
            iter: Iterations,
            threads: 1,
            printActual: e => string.Join(", ", e.Contents().Select(kv => $"{kv.Key}:{kv.Value.Length}b")),
            printModel: m => string.Join(", ", m.Select(kv => $"{kv.Key}:{kv.Value.Length}b")));
    }

    /// <summary>One in-memory engine driven synchronously, as SampleParallel's operations are actions.</summary>
    public sealed class EngineUnderTest
    {
        private readonly ShardEngine _engine = ShardData.Open(new CrashingDiskFiles(1), extentBytes: 200);

        public void Put(string id, byte[] data) => ShardData.PutAsync(_engine, id, data, 16).GetAwaiter().GetResult();

        public void Delete(string id) => _engine.DeleteAsync(id, CancellationToken.None).GetAwaiter().GetResult();

        public void Reclaim() => _engine.ReclaimAsync(CancellationToken.None).GetAwaiter().GetResult();

        public SortedDictionary<string, byte[]> Contents()
        {
            var all = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var shard in _engine.List(null, 100).Shards)
            {
                all[shard.ShardId] = ShardData.GetAsync(_engine, shard.ShardId).GetAwaiter().GetResult();
            }

            return all;
        }

        public override string ToString() => "engine";
    }

    private sealed class ContentComparer : IEqualityComparer<KeyValuePair<string, byte[]>>
    {
        public static readonly ContentComparer Instance = new();

        public bool Equals(KeyValuePair<string, byte[]> x, KeyValuePair<string, byte[]> y) =>
            x.Key == y.Key && x.Value.AsSpan().SequenceEqual(y.Value);

        public int GetHashCode(KeyValuePair<string, byte[]> obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }
}
