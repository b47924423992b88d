using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cairn.ErasureCoding;
using Cairn.EcBench;

// Measures Cairn's RS encoder/decoder against ISA-L's ec_encode_data on the same buffers, single thread.
string jsonPath = "bench-results/ec.json";
int shardSize = 1 << 20;
int samples = 101;
int reps = 1;
EcKernel requested = EcKernel.Auto;
bool useIsal = true;
var cases = new List<(int K, int M)> { (4, 2), (6, 3), (8, 4), (10, 4) };
for (int a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--json": jsonPath = args[++a]; break;
        case "--shard": shardSize = int.Parse(args[++a], CultureInfo.InvariantCulture); break;
        case "--samples": samples = int.Parse(args[++a], CultureInfo.InvariantCulture); break;
        case "--reps": reps = int.Parse(args[++a], CultureInfo.InvariantCulture); break;
        case "--kernel": requested = EcKernels.Parse(args[++a]); break;
        case "--no-isal": useIsal = false; break;
        case "--clock": Bench.UseThreadCpuTime = args[++a] != "wall"; break;
        case "--case":
            string[] km = args[++a].Split(',');
            cases = [(int.Parse(km[0], CultureInfo.InvariantCulture), int.Parse(km[1], CultureInfo.InvariantCulture))];
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[a]}; usage: [--json path] [--clock cpu|wall] [--no-isal] [--shard bytes] [--samples n] [--reps n] [--kernel scalar|avx2|gfni256|gfni512] [--case k,m]");
            return 2;
    }
}

string? isalError = "disabled by --no-isal";
IsaL? isal = useIsal ? IsaL.TryLoad(out isalError) : null;
EcKernel kernel = EcKernels.Resolve(requested);
Console.WriteLine($"ec kernel={kernel.ToString().ToLowerInvariant()} shard={shardSize} samples={samples}x{reps} clock={(Bench.UseThreadCpuTime ? "thread-cpu" : "wall")} isal={(isal is null ? "n/a (" + isalError + ")" : "libisal.so.2")}");

var results = new List<Result>();
foreach ((int k, int m) in cases)
{
    results.AddRange(Bench.Run(k, m, shardSize, samples, reps, kernel, isal));
}

string? dir = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
if (dir is not null)
{
    Directory.CreateDirectory(dir);
}

using (FileStream fs = File.Create(jsonPath))
using (var w = new Utf8JsonWriter(fs, new JsonWriterOptions { Indented = true }))
{
    w.WriteStartObject();
    w.WriteString("kernel", kernel.ToString().ToLowerInvariant());
    w.WriteNumber("shardSize", shardSize);
    w.WriteNumber("samples", samples);
    w.WriteNumber("repsPerSample", reps);
    w.WriteBoolean("isalAvailable", isal is not null);
    w.WriteString("clock", Bench.UseThreadCpuTime ? "thread-cpu" : "wall");
    w.WriteStartArray("results");
    foreach (Result r in results)
    {
        w.WriteStartObject();
        w.WriteString("op", r.Op);
        w.WriteNumber("k", r.K);
        w.WriteNumber("m", r.M);
        w.WriteNumber("dataBytesPerOp", (long)r.K * shardSize);
        w.WriteBoolean("verified", r.Verified);
        w.WriteNumber("oursGBps", Math.Round(r.Ours / 1e9, 3));
        if (r.Isal is double i)
        {
            w.WriteNumber("isalGBps", Math.Round(i / 1e9, 3));
            w.WriteNumber("ratio", Math.Round(r.Ours / i, 3));
            w.WriteNumber("pairedRatioMedian", Math.Round(r.PairedRatio ?? 0, 3));
        }
        else
        {
            w.WriteNull("isalGBps");
            w.WriteNull("ratio");
            w.WriteNull("pairedRatioMedian");
        }

        w.WriteEndObject();
    }

    w.WriteEndArray();
    w.WriteEndObject();
}

return results.Any(r => !r.Verified) ? 1 : 0;

internal sealed record Result(string Op, int K, int M, double Ours, double? Isal, double? PairedRatio, bool Verified);

internal static unsafe class Bench
{
    public static List<Result> Run(int k, int m, int len, int samples, int reps, EcKernel kernel, IsaL? isal)
    {
        var output = new List<Result>();
        var rs = new ReedSolomon(k, m, kernel);
        int n = k + m;
        var rng = new Random(12345 + (k * 31) + m);

        // One page-aligned native region per shard, shared by both implementations (the buffers are
        // intentionally never freed: the process ends right after the run).
        var shards = new Memory<byte>[n];
        var ptrs = new byte*[n];
        for (int s = 0; s < n; s++)
        {
            var nb = new NativeBuffer(len);
            shards[s] = nb.Memory;
            ptrs[s] = nb.Pointer;
            rng.NextBytes(shards[s].Span);
        }

        var data = new ReadOnlyMemory<byte>[k];
        for (int i = 0; i < k; i++)
        {
            data[i] = shards[i];
        }

        Memory<byte>[] parity = shards[k..];
        bool verified = true;

        // ---- encode
        rs.Encode(data, parity);
        byte[][] oursParity = parity.Select(p => p.ToArray()).ToArray();
        byte[]? isalEncTables = null;
        var isalData = new byte*[k];
        Array.Copy(ptrs, isalData, k);
        var isalParity = new byte*[m];
        for (int j = 0; j < m; j++)
        {
            isalParity[j] = new NativeBuffer(len).Pointer;
        }

        if (isal is not null)
        {
            // Cross-check: ISA-L run with OUR encoding matrix must produce our parity bytes.
            byte[] ourMatrix = rs.GetEncodingMatrix();
            byte[] checkTables = isal.InitTables(k, m, ourMatrix[(k * k)..]);
            fixed (byte* t = checkTables)
            fixed (byte** d = isalData)
            fixed (byte** c = isalParity)
            {
                isal.Encode(len, k, m, t, d, c);
            }

            for (int j = 0; j < m; j++)
            {
                if (!new ReadOnlySpan<byte>(isalParity[j], len).SequenceEqual(oursParity[j]))
                {
                    Console.Error.WriteLine($"error: parity {j} differs from ISA-L for k={k} m={m}");
                    verified = false;
                }
            }

            // Timed ISA-L runs use ISA-L's own Cauchy matrix (its speed does not depend on the coefficients)
            // and write into the very same parity buffers as ours, so memory placement is identical.
            byte[] a = isal.Cauchy1(k, m);
            isalEncTables = isal.InitTables(k, m, a[(k * k)..]);
            Array.Copy(ptrs, k, isalParity, 0, m);
        }

        double bytes = (double)k * len;
        (double ours, double? theirs) = Measure(
            samples,
            reps,
            () => rs.Encode(data, parity),
            isalEncTables is null ? (Action?)null : () =>
            {
                fixed (byte* t = isalEncTables)
                fixed (byte** d = isalData)
                fixed (byte** c = isalParity)
                {
                    isal!.Encode(len, k, m, t, d, c);
                }
            });
        output.Add(Print("encode", k, m, bytes / ours, theirs is double te ? bytes / te : null, verified));

        // ---- decode: lose the first m data shards (restore our parity first: timed ISA-L runs overwrote it)
        rs.Encode(data, parity);
        byte[][] original = shards[..m].Select(s => s.ToArray()).ToArray();
        var present = new bool[n];
        for (int s = m; s < n; s++)
        {
            present[s] = true;
        }

        // Both implementations rebuild into the same m output buffers.
        var recoveredBuffers = new NativeBuffer[m];
        var recovered = new byte*[m];
        for (int j = 0; j < m; j++)
        {
            recoveredBuffers[j] = new NativeBuffer(len);
            recovered[j] = recoveredBuffers[j].Pointer;
        }

        var work = (Memory<byte>[])shards.Clone();
        for (int s = 0; s < m; s++)
        {
            work[s] = recoveredBuffers[s].Memory;
        }

        rs.ReconstructData(work, present);
        for (int s = 0; s < m; s++)
        {
            if (!work[s].Span.SequenceEqual(original[s]))
            {
                Console.Error.WriteLine($"error: our decode of shard {s} is wrong for k={k} m={m}");
                verified = false;
            }
        }

        byte[]? isalDecTables = null;
        var survivors = new byte*[k];
        Array.Copy(ptrs, m, survivors, 0, k);
        if (isal is not null)
        {
            // As in ISA-L's erasure_code example: invert the survivors' rows, keep the rows of the lost shards.
            // The shards were encoded with our matrix, so that is the matrix ISA-L inverts here (a decode
            // matrix is dense whatever code produced it, so this does not change ISA-L's speed).
            byte[] a = rs.GetEncodingMatrix();
            var b = new byte[k * k];
            for (int r = 0; r < k; r++)
            {
                Array.Copy(a, (m + r) * k, b, r * k, k);
            }

            var inv = new byte[k * k];
            if (!isal.Invert(b, inv, k))
            {
                throw new InvalidOperationException("ISA-L could not invert the decode matrix");
            }

            isalDecTables = isal.InitTables(k, m, inv[..(m * k)]);
            foreach (NativeBuffer rb in recoveredBuffers)
            {
                rb.GetSpan().Clear();
            }

            fixed (byte* t = isalDecTables)
            fixed (byte** d = survivors)
            fixed (byte** c = recovered)
            {
                isal.Encode(len, k, m, t, d, c);
            }

            for (int j = 0; j < m; j++)
            {
                if (!new ReadOnlySpan<byte>(recovered[j], len).SequenceEqual(original[j]))
                {
                    Console.Error.WriteLine($"error: ISA-L decode of shard {j} is wrong for k={k} m={m}");
                    verified = false;
                }
            }
        }

        (ours, theirs) = Measure(
            samples,
            reps,
            () => rs.ReconstructData(work, present),
            isalDecTables is null ? (Action?)null : () =>
            {
                fixed (byte* t = isalDecTables)
                fixed (byte** d = survivors)
                fixed (byte** c = recovered)
                {
                    isal!.Encode(len, k, m, t, d, c);
                }
            });
        output.Add(Print("decode", k, m, bytes / ours, theirs is double td ? bytes / td : null, verified));
        return output;
    }

    public static double? LastPairedRatio { get; private set; }

    /// <summary>Use the calling thread's CPU time instead of wall time (robust to preemption on a shared machine).</summary>
    public static bool UseThreadCpuTime { get; set; } = true;

    private static double Time(Action f, int reps)
    {
        if (UseThreadCpuTime && ThreadClock.TryNow(out long c0))
        {
            for (int r = 0; r < reps; r++)
            {
                f();
            }

            ThreadClock.TryNow(out long c1);
            return (c1 - c0) / 1e9 / reps;
        }

        long t0 = Stopwatch.GetTimestamp();
        for (int r = 0; r < reps; r++)
        {
            f();
        }

        return Stopwatch.GetElapsedTime(t0).TotalSeconds / reps;
    }

    private static Result Print(string op, int k, int m, double ours, double? isal, bool verified)
    {
        if (isal is not null && Environment.GetEnvironmentVariable("ECBENCH_PAIRED") == "1")
        {
            Console.Error.WriteLine($"  paired-ratio {op} k={k} m={m} {LastPairedRatio:F3}");
        }

        string o = (ours / 1e9).ToString("F2", CultureInfo.InvariantCulture);
        string line = isal is double i
            ? $"rs {op} k={k} m={m} ours={o}GB/s isal={(i / 1e9).ToString("F2", CultureInfo.InvariantCulture)}GB/s ratio={(ours / i).ToString("F2", CultureInfo.InvariantCulture)}"
            : $"rs {op} k={k} m={m} ours={o}GB/s isal=n/a";
        Console.WriteLine(line);
        return new Result(op, k, m, ours, isal, isal is null ? null : LastPairedRatio, verified);
    }

    /// <summary>Median seconds per call for each implementation, samples interleaved to share drift.</summary>
    private static (double Ours, double? Isal) Measure(int samples, int reps, Action ours, Action? isal)
    {
        for (int w = 0; w < 20; w++)
        {
            ours();
            isal?.Invoke();
        }

        var a = new double[samples];
        var b = new double[samples];
        for (int s = 0; s < samples; s++)
        {
            // Alternate which implementation goes first so neither always inherits the other's cache state.
            if (isal is not null && (s & 1) == 1)
            {
                b[s] = Time(isal, reps);
                a[s] = Time(ours, reps);
            }
            else
            {
                a[s] = Time(ours, reps);
                b[s] = isal is null ? 0 : Time(isal, reps);
            }
        }

        if (isal is not null)
        {
            // Paired ratio: each of our samples against the ISA-L sample taken right after it (robust to drift).
            double[] pr = a.Zip(b, (x, y) => y / x).Order().ToArray();
            LastPairedRatio = pr[samples / 2];
        }

        Array.Sort(a);
        Array.Sort(b);
        return (a[samples / 2], isal is null ? null : b[samples / 2]);
    }
}
