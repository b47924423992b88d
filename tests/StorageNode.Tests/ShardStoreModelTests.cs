using Cairn.StorageNode.Shards;
using CsCheck;

namespace StorageNode.Tests;

/// <summary>
/// The store against a plain dictionary: random histories of put / get / delete / list, aborted puts,
/// crash leftovers and restarts, compared with the model after every step. A failure prints its seed;
/// replay it with CsCheck_Seed.
/// </summary>
public class ShardStoreModelTests
{
    // Few ids so that histories overwrite and delete what they wrote; some look like paths on purpose.
    private static readonly string[] Ids = ["a", "b", "ab", "../x", "dir/y", "é", new('z', 300)];

    public abstract record Op;

    public sealed record Put(string Id, int Size, int Seed) : Op;

    public sealed record AbortedPut(string Id, int Size, int BlocksBeforeAbort) : Op;

    public sealed record Get(string Id, int Offset, int Length) : Op;

    public sealed record Delete(string Id) : Op;

    public sealed record ListPage(int StartAfterIndex, int Limit) : Op;

    public sealed record CrashLeftover(int Size) : Op;

    public sealed record Restart : Op;

    private static readonly Gen<string> GenId = Gen.Int[0, Ids.Length - 1].Select(i => Ids[i]);

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (5, GenId.Select(Gen.Int[0, 100], Gen.Int, (id, size, seed) => (Op)new Put(id, size, seed))),
        (1, GenId.Select(Gen.Int[1, 100], Gen.Int[0, 3], (id, size, n) => (Op)new AbortedPut(id, size, n))),
        (4, GenId.Select(Gen.Int[0, 100], Gen.Int[0, 100], (id, o, l) => (Op)new Get(id, o, l))),
        (2, GenId.Select(id => (Op)new Delete(id))),
        (2, Gen.Int[-1, Ids.Length - 1].Select(Gen.Int[1, 4], (i, l) => (Op)new ListPage(i, l))),
        (1, Gen.Int[0, 50].Select(s => (Op)new CrashLeftover(s))),
        (1, Gen.Const((Op)new Restart())));

    [Fact]
    public Task FileShardStore_History_MatchesDictionaryModel_ModelBased() =>
        Gen.Select(Gen.Int[1, 40], GenOp.Array[1, 30])
            .SampleAsync(async (blockSize, ops) => await RunHistory(blockSize, ops), iter: 60, threads: 1);

    private static async Task RunHistory(int blockSize, Op[] ops)
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        var model = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            switch (op)
            {
                case Put p:
                    byte[] data = ShardData.Bytes(p.Size, p.Seed);
                    await ShardData.PutAsync(store, p.Id, data, blockSize);
                    model[p.Id] = data;
                    break;
                case AbortedPut a:
                    await Assert.ThrowsAsync<IOException>(() => store.WriteAsync(
                        a.Id, blockSize, ShardData.Blocks(ShardData.Bytes(a.Size, 1), blockSize, Math.Min(a.BlocksBeforeAbort, (a.Size - 1) / blockSize)), CancellationToken.None));
                    break;
                case Get g when model.TryGetValue(g.Id, out var expected):
                    int offset = Math.Min(g.Offset, expected.Length);
                    int length = Math.Min(g.Length, expected.Length - offset);
                    // Length 0 reads to the end, as on the wire.
                    byte[] want = expected.AsSpan(offset, length == 0 ? expected.Length - offset : length).ToArray();
                    Assert.Equal(want, await ShardData.GetAsync(store, g.Id, offset, length));
                    break;
                case Get g:
                    await Assert.ThrowsAsync<ShardMissingException>(() => store.OpenReadAsync(g.Id, CancellationToken.None));
                    break;
                case Delete d:
                    Assert.Equal(model.Remove(d.Id), await store.DeleteAsync(d.Id, CancellationToken.None));
                    break;
                case ListPage l:
                    string? after = l.StartAfterIndex < 0 ? null : Ids[l.StartAfterIndex];
                    var expectedIds = model.Keys.Order(StringComparer.Ordinal).Where(k => after is null || string.CompareOrdinal(k, after) > 0).ToList();
                    var page = store.List(after, l.Limit);
                    Assert.Equal(expectedIds.Take(l.Limit), page.Shards.Select(s => s.ShardId));
                    Assert.Equal(expectedIds.Count > l.Limit, page.IsTruncated);
                    break;
                case CrashLeftover c:
                    await File.WriteAllBytesAsync(Path.Combine(dir.Path, "tmp", Guid.NewGuid().ToString("N") + ".tmp"), ShardData.Bytes(c.Size, 7));
                    store = ShardData.Open(dir.Path);
                    break;
                case Restart:
                    store = ShardData.Open(dir.Path);
                    break;
            }

            await AssertMatches(store, model, dir.Path);
        }
    }

    private static async Task AssertMatches(FileShardStore store, Dictionary<string, byte[]> model, string root)
    {
        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), store.List(null, 1000).Shards.Select(s => s.ShardId));
        Assert.Equal(model.Count, store.GetUsage().ShardCount);
        foreach (var (id, data) in model)
        {
            Assert.Equal(data, await ShardData.GetAsync(store, id));
        }

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, "tmp")));
    }
}
