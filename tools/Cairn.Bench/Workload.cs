using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace Cairn.Bench;

public enum Operation { Put, Get, Mixed, Delete, List }

public sealed record WorkloadOptions
{
    public required Uri Endpoint { get; init; }
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
    public string Bucket { get; init; } = "cairn-bench";
    public Operation Op { get; init; } = Operation.Get;
    public long[] Sizes { get; init; } = [4096];
    public int Concurrency { get; init; } = 16;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The same workload, unmeasured, before the clock starts: JIT tiers, connection pools and caches settle.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;
    public int Objects { get; init; } = 64;
    public bool Progress { get; init; } = true;

    /// <summary>Runs after the objects are in place and before the clock starts (e.g. to slow a disk under them).</summary>
    public Func<CancellationToken, Task>? BeforeMeasuring { get; init; }

    /// <summary>A plain HTTP server (nginx) with the objects already in place: no bucket, no upload, no signature.</summary>
    public bool Raw { get; init; }
}

/// <summary>Per-operation latencies and bytes, summarised as a table row.</summary>
public sealed class OpStats(string name)
{
    private readonly List<double> _latenciesMs = [];
    private long _bytes;
    private long _errors;

    public string Name { get; } = name;
    public long Count { get { lock (_latenciesMs) { return _latenciesMs.Count; } } }
    public long Errors => Interlocked.Read(ref _errors);
    public long Bytes => Interlocked.Read(ref _bytes);

    public void Record(double ms, long bytes)
    {
        lock (_latenciesMs)
        {
            _latenciesMs.Add(ms);
        }

        Interlocked.Add(ref _bytes, bytes);
    }

    public void Error() => Interlocked.Increment(ref _errors);

    public double Percentile(double p)
    {
        lock (_latenciesMs)
        {
            if (_latenciesMs.Count == 0)
            {
                return 0;
            }

            var sorted = _latenciesMs.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }
}

/// <summary>A warp-style S3 workload: a fixed number of workers issue one operation kind (or a mix) for a duration.</summary>
public sealed class Workload(WorkloadOptions options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = TimeSpan.FromMinutes(5) };

    private string[]? _keys;
    private readonly S3Signer _signer = new(options.AccessKey, options.SecretKey);
    private readonly Dictionary<long, byte[]> _payloads = options.Sizes.Distinct().ToDictionary(s => s, s => RandomNumberGenerator.GetBytes((int)s));

    public async Task<IReadOnlyList<OpStats>> RunAsync(CancellationToken ct)
    {
        await PrepareAsync(ct);
        if (options.BeforeMeasuring is { } before)
        {
            await before(ct);
        }

        if (options.Warmup > TimeSpan.Zero)
        {
            await MeasureAsync(options.Warmup, NewStats(), progress: false, ct);
        }

        var stats = NewStats();
        Elapsed = await MeasureAsync(options.Duration, stats, options.Progress, ct);
        return stats.Values.Where(s => s.Count > 0 || s.Errors > 0).ToList();
    }

    /// <summary>The bucket and the objects reads need.</summary>
    public async Task PrepareAsync(CancellationToken ct)
    {
        if (!options.Raw)
        {
            await SendAsync(HttpMethod.Put, $"/{options.Bucket}", null, ct, allowConflict: true);
        }

        if (!options.Raw && options.Op is Operation.Get or Operation.Mixed or Operation.Delete or Operation.List)
        {
            await Parallel.ForEachAsync(Keys, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
                async (k, c) => await PutAsync(k, SizeFor(k), null, c));
        }
    }

    /// <summary>
    /// Runs the workers for <paramref name="duration"/>, recording into <paramref name="stats"/>; returns the time until
    /// the last worker stopped. No operation starts after the deadline and the ones in flight at it complete and count:
    /// cutting them off would drop the slowest requests (those most likely to be in flight) from the percentiles.
    /// </summary>
    public async Task<TimeSpan> MeasureAsync(TimeSpan duration, Dictionary<Operation, OpStats> stats, bool progress, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        var started = Stopwatch.StartNew();
        var shown = progress ? Task.Run(() => ShowProgressAsync(stats.Values, started, stop.Token), CancellationToken.None) : Task.CompletedTask;
        var workers = Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(() => WorkerAsync(w, Keys, stats, stop.Token, ct), CancellationToken.None));
        await Task.WhenAll(workers);
        await shown;
        return started.Elapsed;
    }

    public static Dictionary<Operation, OpStats> NewStats() => new()
    {
        [Operation.Put] = new("PUT"), [Operation.Get] = new("GET"), [Operation.Delete] = new("DELETE"), [Operation.List] = new("LIST"),
    };

    private string[] Keys => _keys ??= Enumerable.Range(0, options.Objects).Select(i => $"obj/{i:D6}").ToArray();

    public TimeSpan Elapsed { get; private set; }

    private async Task WorkerAsync(int worker, string[] keys, Dictionary<Operation, OpStats> stats, CancellationToken stop, CancellationToken ct)
    {
        var rng = new Random(worker);
        var buffer = new byte[1024 * 1024];
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var op = options.Op == Operation.Mixed ? PickMixed(rng) : options.Op;
            var key = op == Operation.Put || op == Operation.Delete ? $"w{worker}/{n++:D8}" : keys[rng.Next(keys.Length)];
            var sw = Stopwatch.StartNew();
            try
            {
                long bytes = op switch
                {
                    Operation.Put => await PutAsync(key, SizeFor(key), null, ct),
                    Operation.Get => await GetAsync(key, buffer, ct),
                    Operation.Delete => await PutThenDeleteAsync(key, ct),
                    Operation.List => await ListAsync(ct),
                    _ => 0,
                };
                stats[op].Record(sw.Elapsed.TotalMilliseconds, bytes);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                stats[op].Error();
            }
        }
    }

    // warp's mixed distribution: 45% GET, 30% PUT, 15% DELETE, 10% LIST (stat)
    private static Operation PickMixed(Random rng) => rng.Next(100) switch
    {
        < 45 => Operation.Get,
        < 75 => Operation.Put,
        < 90 => Operation.Delete,
        _ => Operation.List,
    };

    private long SizeFor(string key) => options.Sizes[(int)((uint)key.GetHashCode(StringComparison.Ordinal) % options.Sizes.Length)];

    private async Task<long> PutAsync(string key, long size, string? _, CancellationToken ct)
    {
        var content = new ReadOnlyMemoryContent(_payloads[size]);
        content.Headers.ContentLength = size;
        await SendAsync(HttpMethod.Put, $"/{options.Bucket}/{key}", content, ct);
        return size;
    }

    private async Task<long> GetAsync(string key, byte[] buffer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Endpoint, $"/{options.Bucket}/{key}"));
        if (!options.Raw)
        {
            _signer.Sign(request);
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        EnsureSuccess(response);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
        }

        return total;
    }

    private async Task<long> PutThenDeleteAsync(string key, CancellationToken ct)
    {
        await PutAsync(key, options.Sizes[0], null, ct);
        await SendAsync(HttpMethod.Delete, $"/{options.Bucket}/{key}", null, ct);
        return 0;
    }

    private async Task<long> ListAsync(CancellationToken ct)
    {
        await SendAsync(HttpMethod.Get, $"/{options.Bucket}?list-type=2&max-keys=100&prefix=obj%2F", null, ct);
        return 0;
    }

    private async Task SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken ct, bool allowConflict = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(options.Endpoint, pathAndQuery)) { Content = content };
        _signer.Sign(request);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        if (allowConflict && response.StatusCode == HttpStatusCode.Conflict)
        {
            return;
        }

        EnsureSuccess(response);
    }

    private static void EnsureSuccess(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    private static async Task ShowProgressAsync(IEnumerable<OpStats> stats, Stopwatch started, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(1000, ct);
                var parts = stats.Where(s => s.Count > 0).Select(s => $"{s.Name} {s.Count / started.Elapsed.TotalSeconds,8:F1}/s {s.Bytes / started.Elapsed.TotalSeconds / 1048576,8:F1} MiB/s");
                Console.Error.Write($"\r[{started.Elapsed.TotalSeconds,5:F0}s] {string.Join("  ", parts)}   ");
            }
        }
        catch (OperationCanceledException)
        {
        }

        Console.Error.WriteLine();
    }

    public void Dispose() => _http.Dispose();
}
