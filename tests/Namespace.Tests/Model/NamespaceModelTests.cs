using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using CsCheck;
using Namespace.Tests.Support;

namespace Namespace.Tests.Model;

/// <summary>
/// Random operation histories run through the reference model and the service on each backend; every answer
/// (commit outcome, GET, every page of every listing, counters) must match, across reopen of the database.
/// A failure prints the seed: rerun with CsCheck_Seed=&lt;seed&gt; to replay it.
/// </summary>
public sealed class NamespaceModelTests
{
    private const string Bucket = "model";

    // Letters chosen to make byte order matter: upper < lower < 'ä' (2 bytes) < U+FF21 (3 bytes) < U+1F600 (4 bytes,
    // but a surrogate pair that UTF-16 order would put *before* U+FF21).
    private static readonly string[] Alphabet = ["a", "b", "A", "/", "ä", "\uFF21", "\U0001F600"];

    private static readonly Gen<string> GenKey = Gen.Int[1, 3].SelectMany(n => Gen.OneOf(Alphabet).Array[n]).Select(string.Concat);
    private static readonly Gen<string> GenPrefix = Gen.Int[0, 2].SelectMany(n => Gen.OneOf(Alphabet).Array[n]).Select(string.Concat);
    private static readonly Gen<string> GenDelimiter = Gen.OneOf("", "", "/", "a", "ä");

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (6, Gen.Select(GenKey, Gen.Int[0, 3], Gen.Int[0, 9]).Select(t => (Op)new PutOp(t.Item1, t.Item2, t.Item3 == 0))),
        (3, Gen.Select(GenKey, Gen.Int[-2, 3]).Select(t => (Op)new DeleteOp(t.Item1, t.Item2))),
        (2, Gen.Select(GenKey, Gen.Int[-2, 3]).Select(t => (Op)new GetOp(t.Item1, t.Item2))),
        (2, Gen.Select(GenPrefix, GenDelimiter, Gen.OneOf("", "", "a", "a/", "b", "ä"), Gen.Int[1, 5])
            .Select(t => (Op)new ListOp(t.Item1, t.Item2, t.Item3, t.Item4))),
        (2, Gen.Select(GenPrefix, GenDelimiter, Gen.Int[1, 5]).Select(t => (Op)new ListVersionsOp(t.Item1, t.Item2, t.Item3))),
        (1, Gen.OneOf(VersioningState.Enabled, VersioningState.Suspended).Select(s => (Op)new VersioningOp(s))),
        (1, Gen.Const((Op)new ReopenOp())));

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public void NamespaceService_RandomHistories_MatchModel(Backend backend)
    {
        GenOp.List[1, 40].Sample(
            ops => RunHistory(backend, ops).GetAwaiter().GetResult(),
            iter: 100,
            threads: 1,
            print: ops => string.Join("; ", ops));
    }

    private static async Task RunHistory(Backend backend, List<Op> ops)
    {
        await using var h = NamespaceHarness.Create(backend);
        var model = new NamespaceModel();
        await h.Service.CreateBucketAsync(Bucket, "owner", "", default);
        foreach (var op in ops)
        {
            switch (op)
            {
                case PutOp put:
                    await Put(h, model, put);
                    break;
                case DeleteOp delete:
                    await Delete(h, model, delete);
                    break;
                case GetOp get:
                    await Get(h, model, get);
                    break;
                case ListOp list:
                    await List(h, model, list);
                    break;
                case ListVersionsOp list:
                    await ListVersions(h, model, list);
                    break;
                case VersioningOp versioning:
                    await h.Service.SetBucketVersioningAsync(Bucket, versioning.State, default);
                    model.Versioning = versioning.State;
                    break;
                case ReopenOp:
                    await h.ReopenAsync();
                    break;
            }
        }

        var stats = await h.Service.GetStatsAsync(default);
        Assert.Equal((model.LiveObjects, model.TotalVersions, model.TotalBytes), ((long)stats.Objects, (long)stats.Versions, (long)stats.Bytes));
    }

    private static async Task Put(NamespaceHarness h, NamespaceModel model, PutOp op)
    {
        var content = $"c{op.Content}";
        var size = 100 + op.Content;
        string? error = null;
        string? assigned = null;
        try
        {
            assigned = (await h.Service.PutObjectAsync(Objects.Version(Bucket, op.Key, content, (ulong)size), "", op.IfNoneMatch, default))
                .Object.VersionId;
        }
        catch (NamespaceException e)
        {
            error = e.Code;
        }

        var expected = model.Put(op.Key, Objects.ETagOf(content), size, op.IfNoneMatch, error is null ? assigned : null);
        Assert.Equal(expected, error);
        if (error is null)
        {
            Assert.Equal(model.VersionsOf(op.Key)[0].VersionId, assigned);
        }
    }

    private static async Task Delete(NamespaceHarness h, NamespaceModel model, DeleteOp op)
    {
        var versionId = PickVersion(model, op.Key, op.Pick);
        var result = await h.Service.DeleteObjectAsync(Bucket, op.Key, versionId ?? "", default);
        var expected = model.Delete(op.Key, versionId, result.VersionId);
        Assert.Equal(expected, (result.DeleteMarker, result.VersionId));
    }

    private static async Task Get(NamespaceHarness h, NamespaceModel model, GetOp op)
    {
        var versionId = PickVersion(model, op.Key, op.Pick);
        var (version, error, markerId) = model.Get(op.Key, versionId);
        try
        {
            var got = await h.Service.GetObjectAsync(Bucket, op.Key, versionId ?? "", default);
            Assert.Null(error);
            Assert.Equal((version!.VersionId, version.ETag, model.IsLatest(version)), (got.VersionId, got.Etag, got.IsLatest));
        }
        catch (NamespaceException e)
        {
            Assert.Equal(error, e.Code);
            Assert.Equal(markerId, e.Trailers.GetValueOrDefault(ErrorCodes.VersionIdTrailer));
        }
    }

    private static async Task List(NamespaceHarness h, NamespaceModel model, ListOp op)
    {
        var startAfter = op.StartAfter;
        for (var pages = 0; pages < 1000; pages++)
        {
            var expected = model.ListObjects(op.Prefix, op.Delimiter, startAfter, op.PageSize);
            var actual = await h.Service.ListObjectsAsync(Bucket, op.Prefix, op.Delimiter, startAfter, (uint)op.PageSize, default);
            Assert.Equal(
                expected.Entries.Where(e => e.Version is not null).Select(e => (e.Name, e.Version!.ETag)),
                actual.Objects.Select(o => (o.Key, o.Etag)));
            Assert.Equal(expected.Entries.Where(e => e.CommonPrefix is not null).Select(e => e.Name), actual.CommonPrefixes);
            Assert.Equal(expected.IsTruncated, actual.IsTruncated);
            Assert.Equal(expected.Last?.Name ?? "", actual.NextStartAfter);
            if (!actual.IsTruncated)
            {
                return;
            }

            startAfter = actual.NextStartAfter;
        }

        Assert.Fail("listing did not terminate");
    }

    private static async Task ListVersions(NamespaceHarness h, NamespaceModel model, ListVersionsOp op)
    {
        string keyMarker = "", versionMarker = "";
        for (var pages = 0; pages < 1000; pages++)
        {
            var expected = model.ListVersions(op.Prefix, op.Delimiter, keyMarker, versionMarker, op.PageSize);
            var actual = await h.Service.ListObjectVersionsAsync(
                Bucket, op.Prefix, op.Delimiter, keyMarker, versionMarker, (uint)op.PageSize, default);
            Assert.Equal(
                expected.Entries.Where(e => e.Version is not null)
                    .Select(e => (e.Name, e.Version!.VersionId, e.Version.IsDeleteMarker, model.IsLatest(e.Version), e.Version.ETag)),
                actual.Versions.Select(v => (v.Key, v.VersionId, v.IsDeleteMarker, v.IsLatest, v.Etag)));
            Assert.Equal(expected.Entries.Where(e => e.CommonPrefix is not null).Select(e => e.Name), actual.CommonPrefixes);
            Assert.Equal(expected.IsTruncated, actual.IsTruncated);
            Assert.Equal(
                (expected.Last?.Name ?? "", expected.Last?.Version?.VersionId ?? ""),
                (actual.NextKeyMarker, actual.NextVersionIdMarker));
            if (!actual.IsTruncated)
            {
                return;
            }

            (keyMarker, versionMarker) = (actual.NextKeyMarker, actual.NextVersionIdMarker);
        }

        Assert.Fail("listing did not terminate");
    }

    /// <summary>-2: a version id that does not exist; -1: no version id; n: the n-th newest version (mod count).</summary>
    private static string? PickVersion(NamespaceModel model, string key, int pick)
    {
        var versions = model.VersionsOf(key);
        return pick switch
        {
            -2 => "00000000000000000000000000000000",
            -1 => null,
            _ when versions.Count == 0 => null,
            _ => versions[pick % versions.Count].VersionId,
        };
    }

    private abstract record Op;

    private sealed record PutOp(string Key, int Content, bool IfNoneMatch) : Op;

    private sealed record DeleteOp(string Key, int Pick) : Op;

    private sealed record GetOp(string Key, int Pick) : Op;

    private sealed record ListOp(string Prefix, string Delimiter, string StartAfter, int PageSize) : Op;

    private sealed record ListVersionsOp(string Prefix, string Delimiter, int PageSize) : Op;

    private sealed record VersioningOp(VersioningState State) : Op;

    private sealed record ReopenOp : Op;
}
