using Cairn.Namespace.Domain;
using Cairn.Namespace.Store;
using Namespace.Tests.Support;

namespace Namespace.Tests;

/// <summary>The embedded store's delimiter roll-up: one row per common prefix, resuming past the whole prefix.</summary>
public sealed class RollUpTests : IAsyncLifetime
{
    private readonly NamespaceHarness _h = NamespaceHarness.Create(Backend.Sqlite);

    public async Task InitializeAsync()
    {
        await _h.Service.CreateBucketAsync("bkt", "alice", "", default);
        for (var i = 0; i < 200; i++)
        {
            await _h.Service.PutObjectAsync(Objects.Version("bkt", $"a/{i:D3}"), "", false, default);
        }

        await _h.Service.PutObjectAsync(Objects.Version("bkt", "b"), "", false, default);
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "c/1"), "", false, default);
    }

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task SqliteStore_SeekLatestRollingUp_YieldsOneRowPerCommonPrefix()
    {
        var keys = await _h.Store.ReadAsync(
            r => r.SeekLatestRollingUp("bkt", [], null, 0, "/"u8.ToArray(), 1000).Select(v => ObjectKeys.Decode(v.Key)).ToList(), default);

        Assert.Equal(["a/000", "b", "c/1"], keys);
    }

    [Fact]
    public async Task SqliteStore_SeekLatestRollingUp_StopsWhereTheCallerStops()
    {
        var keys = await _h.Store.ReadAsync(
            r => r.SeekLatestRollingUp("bkt", "a/100"u8.ToArray(), "a0"u8.ToArray(), 2, "/"u8.ToArray(), 3)
                .Take(3).Select(v => ObjectKeys.Decode(v.Key)).ToList(), default);

        Assert.Equal(["a/100", "a/101", "a/102"], keys);
    }

    [Fact]
    public void RollUp_NextStart_SkipsTheWholeCommonPrefix()
    {
        var next = RollUp.NextStart("p/x/y"u8.ToArray(), 2, "/"u8.ToArray());

        Assert.Equal("p/x0"u8.ToArray(), next);
        Assert.Equal("p/z\0"u8.ToArray(), RollUp.NextStart("p/z"u8.ToArray(), 2, "/"u8.ToArray()));
    }
}
