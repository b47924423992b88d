using System.Globalization;
using Cairn.S3.Protocol;
using Microsoft.Extensions.Options;

namespace Cairn.Frontend.DataPath;

/// <summary>How one payload is stored: n full replicas, or Reed-Solomon k data + m parity shards.</summary>
public readonly record struct Redundancy(bool ErasureCoded, int DataShards, int ParityShards)
{
    public static Redundancy Replicated(int copies) => new(false, 1, copies - 1);

    public static Redundancy Coded(int k, int m) => new(true, k, m);

    public int TotalShards => DataShards + ParityShards;

    public override string ToString() => ErasureCoded ? $"{DataShards}+{ParityShards}" : $"replicated x{TotalShards}";
}

/// <summary>
/// Picks the redundancy of a payload from its storage class and size: a class maps to a scheme in
/// <c>Cairn:ErasureCoding:StorageClasses</c>, and payloads under <c>ThresholdBytes</c> are replicated whatever
/// the class (a stripe of tiny blocks costs k+m disk writes for a few bytes).
/// </summary>
public sealed class RedundancyPolicy(IOptions<FrontendOptions> options)
{
    public const string DefaultStorageClass = "STANDARD";

    /// <summary>The stored name of a requested class; throws InvalidStorageClass for one not configured.</summary>
    public string NormalizeStorageClass(string? requested)
    {
        var name = string.IsNullOrWhiteSpace(requested) ? DefaultStorageClass : requested.Trim();
        return options.Value.ErasureCoding.StorageClasses.ContainsKey(name)
            ? name
            : throw new S3Exception("InvalidStorageClass", 400, "The storage class you specified is not valid").With("StorageClassRequested", name);
    }

    /// <param name="sizeHint">Declared payload size; 0 when unknown (such payloads are replicated).</param>
    public Redundancy Choose(string? storageClass, long sizeHint)
    {
        var settings = options.Value;
        var replicated = Redundancy.Replicated(settings.Replicas);
        var name = NormalizeStorageClass(storageClass);
        if (sizeHint <= 0 || sizeHint < settings.ErasureCoding.ThresholdBytes)
        {
            return replicated;
        }
        return Parse(settings.ErasureCoding.StorageClasses[name], settings.Replicas);
    }

    /// <summary>Startup check: every configured storage class names a scheme this frontend can write.</summary>
    public static bool IsValid(FrontendOptions options)
    {
        try
        {
            foreach (var scheme in options.ErasureCoding.StorageClasses.Values)
            {
                Parse(scheme, options.Replicas);
            }
            return options.ErasureCoding.StorageClasses.ContainsKey(DefaultStorageClass) && options.ErasureCoding.ThresholdBytes >= 1;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>"k+m" or "replicated"; anything else is a configuration error, reported as such.</summary>
    public static Redundancy Parse(string scheme, int replicas)
    {
        if (string.Equals(scheme.Trim(), "replicated", StringComparison.OrdinalIgnoreCase))
        {
            return Redundancy.Replicated(replicas);
        }
        var parts = scheme.Split('+');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && k >= 1 && m >= 1 && k + m <= 32)
        {
            return Redundancy.Coded(k, m);
        }
        throw new InvalidOperationException($"Cairn:ErasureCoding:StorageClasses has an invalid scheme '{scheme}' (expected k+m or replicated)");
    }
}
