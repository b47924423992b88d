using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cairn.ErasureCoding;
using Cairn.EcBench;

// Measures Cairn's RS encoder/decoder against ISA-L's ec_encode_data on the same buffers, single thread.
string jsonPath = "bench-results/ec.json";
int shardSize = 1 << 20;
int samples = 21;
int reps = 5;
EcKernel requested = EcKernel.Auto;
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
        case "--case":
            string[] km = args[++a].Split(',');
            cases = [(int.Parse(km[0], CultureInfo.InvariantCulture), int.Parse(km[1], CultureInfo.InvariantCulture))];
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[a]}; usage: [--json path] [--shard bytes] [--samples n] [--reps n] [--kernel scalar|avx2|gfni256|gfni512] [--case k,m]");
            return 2;
    }
}

IsaL? isal = IsaL.TryLoad(out string? isalError);
EcKernel kernel = EcKernels.Resolve(requested);
Console.WriteLine($"ec kernel={kernel.ToString().ToLowerInvariant()} shard={shardSize} samples={samples}x{reps} isal={(isal is null ? "n/a (" + isalError + ")" : "libisal.so.2")}");

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
    w.WriteStartArray("results");
    foreach (Result r in results)
    {
        w.WriteStartObject();
        w.WriteString("op", r.Op);
        w.WriteNumber("k", r.K);
        w.WriteNumber("m", r.M);
        w.WriteNumber("oursGBps", Math.Round(r.Ours, 3));
        if (r.Isal is double i)
        {
            w.WriteNumber("isalGBps", Math.Round(i, 3));
            w.WriteNumber("ratio", Math.Round(r.Ours / i, 3));
        }
        else
        {
            w.WriteNull("isalGBps");
            w.WriteNull("ratio");
        }

        w.WriteEndObject();
    }

    w.WriteEndArray();
    w.WriteEndObject();
}

return results.Any(r => !r.Verified) ? 1 : 0;

internal sealed record Result(string Op, int K, int M, double Ours, double? Isal, bool Verified);

internal static unsafe class Bench
{
    public static List<Result> Run(int k, int m, int len, int samples, int reps, EcKernel kernel, IsaL? isal)
    {
        var output = new List<Result>();
        var rs = new ReedSolomon(k, m, kernel);
        int n = k + m;
        var rng = new Random(12345 + (k * 31) + m);

        // One pinned, 64-byte aligned region per shard, shared by both implementations.
        var shards = new Memory<byte>[n];
        var ptrs = new byte*[n];
        for (int s = 0; s < n; s++)
        {
            byte[] arr = GC.AllocateUninitializedArray<byte>(len + 64, pinned: true);
            fixed (byte* p = arr)
            {
                int pad = (int)((64 - ((nint)p & 63)) & 63);
                shards[s] = arr.AsMemory(pad, len);
                ptrs[s] = p + pad;
            }

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
        var isalParityBufs = new byte[m][];
        var isalParity = new byte*[m];
        for (int j = 0; j < m; j++)
        {
            isalParityBufs[j] = GC.AllocateUninitializedArray<byte>(len + 64, pinned: true);
            fixed (byte* p = isalParityBufs[j])
            {
                isalParity[j] = p + ((64 - ((nint)p & 63)) & 63);
            }
        }

        if (isal is not null)
        {
            byte[] a = isal.Cauchy1(k, m);
            if (!a.AsSpan().SequenceEqual(rs.GetEncodingMatrix()))
            {
                Console.Error.WriteLine("warning: ISA-L cauchy1 matrix differs from ours");
            }

            isalEncTables = isal.InitTables(k, m, a[(k * k)..]);
            fixed (byte* t = isalEncTables)
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

        // ---- decode: lose the first m data shards
        byte[][] original = shards[..m].Select(s => s.ToArray()).ToArray();
        var present = new bool[n];
        for (int s = m; s < n; s++)
        {
            present[s] = true;
        }

        var work = (Memory<byte>[])shards.Clone();
        for (int s = 0; s < m; s++)
        {
            shards[s].Span.Clear();
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
        var recovered = new byte*[m];
        var recoveredBufs = new byte[m][];
        for (int j = 0; j < m; j++)
        {
            recoveredBufs[j] = GC.AllocateUninitializedArray<byte>(len + 64, pinned: true);
            fixed (byte* p = recoveredBufs[j])
            {
                recovered[j] = p + ((64 - ((nint)p & 63)) & 63);
            }
        }

        if (isal is not null)
        {
            // As in ISA-L's erasure_code example: invert the survivors' rows, keep the rows of the lost shards.
            byte[] a = isal.Cauchy1(k, m);
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

    private static Result Print(string op, int k, int m, double ours, double? isal, bool verified)
    {
        string o = (ours / 1e9).ToString("F2", CultureInfo.InvariantCulture);
        string line = isal is double i
            ? $"rs {op} k={k} m={m} ours={o}GB/s isal={(i / 1e9).ToString("F2", CultureInfo.InvariantCulture)}GB/s ratio={(ours / i).ToString("F2", CultureInfo.InvariantCulture)}"
            : $"rs {op} k={k} m={m} ours={o}GB/s isal=n/a";
        Console.WriteLine(line);
        return new Result(op, k, m, ours, isal, verified);
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
            long t0 = Stopwatch.GetTimestamp();
            for (int r = 0; r < reps; r++)
            {
                ours();
            }

            a[s] = Stopwatch.GetElapsedTime(t0).TotalSeconds / reps;
            if (isal is not null)
            {
                t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < reps; r++)
                {
                    isal();
                }

                b[s] = Stopwatch.GetElapsedTime(t0).TotalSeconds / reps;
            }
        }

        Array.Sort(a);
        Array.Sort(b);
        return (a[samples / 2], isal is null ? null : b[samples / 2]);
    }
}
