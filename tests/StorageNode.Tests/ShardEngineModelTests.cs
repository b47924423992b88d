using Cairn.StorageNode.Shards;
using Cairn.StorageNode.Shards.Engine;
using CsCheck;

namespace StorageNode.Tests;

/// <summary>
/// The engine against <see cref="ShardStoreModel"/>: random histories of put / get / delete / list / reclaim /
/// restart / crash on a disk that loses un-fsynced writes and tears the last one, compared with the model
/// after every step. Tiny extents and checkpoints make every history roll extents and rewrite the index.
/// A failure prints its seed (replay with CsCheck_Seed) and the shrunk history; keep it as a regression test.
/// CI runs <see cref="Histories"/> histories; CAIRN_SHARDSTORE_HISTORIES=20000 is the nightly depth.
/// </summary>
public class ShardEngineModelTests
{
    private static readonly string[] Ids = ["a", "b", "ab", "../x", "dir/y", "é", new('z', 300)];

    public static long Histories => long.TryParse(Environment.GetEnvironmentVariable("CAIRN_SHARDSTORE_HISTORIES"), out long n) ? n : 300;

    public abstract record Op;

    public sealed record Put(string Id, int Size, int Seed) : Op;

    public sealed record AbortedPut(string Id, int Size, int BlocksBeforeAbort) : Op;

    public sealed record Get(string Id, int Offset, int Length) : Op;

    public sealed record Delete(string Id) : Op;

    public sealed record ListPage(int StartAfterIndex, int Limit) : Op;

    public sealed record Reclaim : Op;

    public sealed record Restart : Op;

    public sealed record Crash : Op;

    /// <summary>The disk dies at the n-th mutating I/O from the start of the operation.</summary>
    public sealed record CrashDuring(Op Inner, int AfterIos) : Op;

    /// <summary>One history: block size, extent size, capacity (0 = unbounded), operations.</summary>
    public sealed record History(int BlockSize, int ExtentBytes, int Capacity, Op[] Ops)
    {
        public override string ToString() =>
            $"History(block {BlockSize}, extent {ExtentBytes}, capacity {Capacity}): {string.Join("; ", Ops.Select(o => o.ToString()))}";
    }

    private static readonly Gen<string> GenId = Gen.Int[0, Ids.Length - 1].Select(i => Ids[i]);
    private static readonly Gen<Op> GenPut = GenId.Select(Gen.Int[0, 120], Gen.Int, (id, size, seed) => (Op)new Put(id, size, seed));
    private static readonly Gen<Op> GenDelete = GenId.Select(id => (Op)new Delete(id));

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (6, GenPut),
        (1, GenId.Select(Gen.Int[1, 100], Gen.Int[0, 3], (id, size, n) => (Op)new AbortedPut(id, size, n))),
        (4, GenId.Select(Gen.Int[0, 120], Gen.Int[0, 120], (id, o, l) => (Op)new Get(id, o, l))),
        (3, GenDelete),
        (1, Gen.Int[-1, Ids.Length - 1].Select(Gen.Int[1, 4], (i, l) => (Op)new ListPage(i, l))),
        (2, Gen.Const((Op)new Reclaim())),
        (1, Gen.Const((Op)new Restart())),
        (1, Gen.Const((Op)new Crash())),
        (3, Gen.Frequency((3, GenPut), (2, GenDelete), (2, Gen.Const((Op)new Reclaim()))).Select(Gen.Int[1, 12], (op, n) => (Op)new CrashDuring(op, n))));

    private static readonly Gen<History> GenHistory = Gen.Select(
        Gen.Int[1, 40], Gen.Int[64, 1024], Gen.Frequency((3, Gen.Const(0)), (1, Gen.Int[400, 3000])), GenOp.Array[1, 40],
        (b, e, c, ops) => new History(b, e, c, ops));

    [Fact]
    public Task ShardEngine_History_MatchesModel_ModelBased() =>
        GenHistory.SampleAsync(h => Run(h, seed: h.Ops.Length), iter: Histories, print: h => h.ToString());

    /// <summary>Runs a history; any disagreement with the model throws with the step that showed it.</summary>
    internal static async Task Run(History history, int seed)
    {
        var disk = new CrashingDiskFiles(seed);
        var model = new ShardStoreModel();
        long? capacity = history.Capacity == 0 ? null : history.Capacity;
        var store = Open();
        try
        {
            for (int step = 0; step < history.Ops.Length; step++)
            {
                var op = history.Ops[step];
                if (op is CrashDuring crashing)
                {
                    int before = disk.Crashes;
                    disk.CrashAfter(crashing.AfterIos);
                    Exception? failure = null;
                    try
                    {
                        await Apply(crashing.Inner);
                    }
                    catch (Exception ex) when (ex is DiskIoException or DiskFullException)
                    {
                        failure = ex;
                    }

                    disk.Disarm();
                    if (disk.Crashes > before)
                    {
                        if (failure is not null)
                        {
                            DoubtOf(crashing.Inner);
                        }

                        await Reopen();
                    }
                    else if (failure is not null)
                    {
                        throw new InvalidOperationException($"step {step}: {crashing.Inner} failed without a crash", failure);
                    }
                }
                else
                {
                    await Apply(op);
                }

                await AssertMatches(store, model, $"step {step} ({op})");
            }

            Assert.Empty((await store.ScrubAsync(CancellationToken.None)).CorruptShardIds);
        }
        finally
        {
            store.Dispose();
        }

        ShardEngine Open() => ShardData.Open(disk, capacity, history.ExtentBytes, checkpointFloorBytes: 512);

        async Task Reopen()
        {
            store.Dispose();
            store = Open();
            var seen = await ReadAll(store);
            if (model.Resolve(id => seen.GetValueOrDefault(id)) is { } complaint)
            {
                throw new InvalidOperationException(complaint);
            }
        }

        void DoubtOf(Op op)
        {
            switch (op)
            {
                case Put p:
                    model.InDoubt(p.Id, ShardData.Bytes(p.Size, p.Seed));
                    break;
                case Delete d:
                    model.InDoubt(d.Id, null);
                    break;
            }
        }

        async Task Apply(Op op)
        {
            switch (op)
            {
                case Put p:
                    byte[] data = ShardData.Bytes(p.Size, p.Seed);
                    try
                    {
                        await ShardData.PutAsync(store, p.Id, data, history.BlockSize);
                        model.Put(p.Id, data);
                    }
                    catch (DiskFullException) when (capacity is not null)
                    {
                        // refused before it was acknowledged: the model is unchanged, and reads must say so
                    }

                    break;
                case AbortedPut a:
                    int abortAfter = Math.Min(a.BlocksBeforeAbort, (a.Size - 1) / history.BlockSize);
                    var blocks = ShardData.Blocks(ShardData.Bytes(a.Size, 1), history.BlockSize, abortAfter);
                    await Assert.ThrowsAnyAsync<Exception>(() => store.WriteAsync(a.Id, history.BlockSize, blocks, CancellationToken.None));
                    break;
                case Get g when model.Get(g.Id) is { } expected:
                    int offset = Math.Min(g.Offset, expected.Length);
                    int length = Math.Min(g.Length, expected.Length - offset);
                    byte[] want = expected.AsSpan(offset, length == 0 ? expected.Length - offset : length).ToArray();
                    Assert.Equal(want, await ShardData.GetAsync(store, g.Id, offset, length));
                    break;
                case Get g:
                    await Assert.ThrowsAsync<ShardMissingException>(() => store.OpenReadAsync(g.Id, CancellationToken.None));
                    break;
                case Delete d:
                    bool existed = await store.DeleteAsync(d.Id, CancellationToken.None); // first: a crash must find the model untouched
                    Assert.Equal(model.Delete(d.Id), existed);
                    break;
                case ListPage l:
                    string? after = l.StartAfterIndex < 0 ? null : Ids[l.StartAfterIndex];
                    var (ids, truncated) = model.List(after, l.Limit);
                    var page = store.List(after, l.Limit);
                    Assert.Equal(ids, page.Shards.Select(s => s.ShardId));
                    Assert.Equal(truncated, page.IsTruncated);
                    break;
                case Reclaim:
                    await store.ReclaimAsync(CancellationToken.None);
                    break;
                case Restart:
                    store.Dispose();
                    store = Open();
                    break;
                case Crash:
                    disk.Crash();
                    await Reopen();
                    break;
            }
        }
    }

    internal static async Task AssertMatches(ShardEngine store, ShardStoreModel model, string where)
    {
        var stored = await ReadAll(store);
        Assert.True(model.Ids.SequenceEqual(stored.Keys), $"{where}: store holds [{string.Join(", ", stored.Keys)}], model [{string.Join(", ", model.Ids)}]");
        foreach (string id in model.Ids)
        {
            Assert.True(model.Get(id)!.AsSpan().SequenceEqual(stored[id]), $"{where}: shard '{id}' differs from the model");
        }

        Assert.Equal(model.Count, store.GetUsage().ShardCount);
    }

    /// <summary>Every shard the store lists, read back whole (in list order).</summary>
    private static async Task<SortedDictionary<string, byte[]>> ReadAll(ShardEngine store)
    {
        var all = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var shard in store.List(null, 10_000).Shards)
        {
            all[shard.ShardId] = await ShardData.GetAsync(store, shard.ShardId);
        }

        return all;
    }
}
