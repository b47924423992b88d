using System.Runtime.Intrinsics.X86;

namespace Cairn.ErasureCoding;

/// <summary>GF(2^8) multiply-accumulate kernel implementations.</summary>
public enum EcKernel
{
    /// <summary>Pick the fastest supported kernel (or the one named by <c>CAIRN_EC_KERNEL</c>).</summary>
    Auto = 0,

    /// <summary>Portable table-driven reference.</summary>
    Scalar = 1,

    /// <summary>AVX2 split-nibble tables with vpshufb.</summary>
    Avx2 = 2,

    /// <summary>GFNI affine transform on 256-bit vectors.</summary>
    Gfni256 = 3,

    /// <summary>GFNI affine transform on 512-bit vectors (AVX-512BW).</summary>
    Gfni512 = 4,
}

/// <summary>Kernel discovery and selection.</summary>
public static class EcKernels
{
    /// <summary>Name of the environment variable that forces a kernel: scalar|avx2|gfni256|gfni512.</summary>
    public const string EnvironmentVariable = "CAIRN_EC_KERNEL";

    private static readonly Lazy<EcKernel> DefaultKernel = new(ResolveDefault);

    /// <summary>True when the kernel can run on this CPU.</summary>
    public static bool IsSupported(EcKernel kernel) => kernel switch
    {
        EcKernel.Auto => true,
        EcKernel.Scalar => true,
        EcKernel.Avx2 => Avx2.IsSupported,
        EcKernel.Gfni256 => Gfni.V256.IsSupported && Avx2.IsSupported,
        EcKernel.Gfni512 => Gfni.V512.IsSupported && Avx512BW.IsSupported,
        _ => false,
    };

    /// <summary>The fastest kernel this CPU supports.</summary>
    public static EcKernel Fastest =>
        IsSupported(EcKernel.Gfni512) ? EcKernel.Gfni512 :
        IsSupported(EcKernel.Gfni256) ? EcKernel.Gfni256 :
        IsSupported(EcKernel.Avx2) ? EcKernel.Avx2 :
        EcKernel.Scalar;

    /// <summary>The kernel used for <see cref="EcKernel.Auto"/>: env override if set, else <see cref="Fastest"/>.</summary>
    public static EcKernel Default => DefaultKernel.Value;

    /// <summary>Every kernel this CPU supports (excluding Auto).</summary>
    public static IReadOnlyList<EcKernel> Supported =>
        new[] { EcKernel.Scalar, EcKernel.Avx2, EcKernel.Gfni256, EcKernel.Gfni512 }.Where(IsSupported).ToArray();

    /// <summary>Parses a kernel name (case-insensitive): scalar, avx2, gfni256, gfni512, auto.</summary>
    public static EcKernel Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "" or "auto" => EcKernel.Auto,
        "scalar" => EcKernel.Scalar,
        "avx2" => EcKernel.Avx2,
        "gfni256" or "gfni" => EcKernel.Gfni256,
        "gfni512" => EcKernel.Gfni512,
        _ => throw new ArgumentException($"Unknown EC kernel '{name}'. Expected scalar|avx2|gfni256|gfni512.", nameof(name)),
    };

    /// <summary>Resolves Auto to a concrete kernel and checks support.</summary>
    public static EcKernel Resolve(EcKernel requested)
    {
        EcKernel k = requested == EcKernel.Auto ? Default : requested;
        if (!IsSupported(k))
        {
            throw new PlatformNotSupportedException($"EC kernel {k} is not supported on this CPU.");
        }

        return k;
    }

    private static EcKernel ResolveDefault() => ResolveEnvironmentValue(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The default kernel for a given <c>CAIRN_EC_KERNEL</c> value (null/empty/auto: fastest).</summary>
    internal static EcKernel ResolveEnvironmentValue(string? env)
    {
        if (!string.IsNullOrWhiteSpace(env))
        {
            EcKernel k = Parse(env);
            if (k != EcKernel.Auto)
            {
                if (!IsSupported(k))
                {
                    throw new PlatformNotSupportedException($"{EnvironmentVariable}={env}: kernel not supported on this CPU.");
                }

                return k;
            }
        }

        return Fastest;
    }
}
