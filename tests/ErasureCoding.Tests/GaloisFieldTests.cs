using CsCheck;

namespace Cairn.ErasureCoding.Tests;

public class GaloisFieldTests
{
    [Fact]
    public void GaloisField_Mul_TableMatchesShiftAndReduceExhaustively()
    {
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                Assert.Equal(GaloisField.MulSlow((byte)a, (byte)b), GaloisField.Mul((byte)a, (byte)b));
            }
        }
    }

    [Fact]
    public void GaloisField_Inverse_ExhaustiveProductIsOne()
    {
        for (int a = 1; a < 256; a++)
        {
            Assert.Equal(1, GaloisField.Mul((byte)a, GaloisField.Inverse((byte)a)));
            Assert.Equal((byte)a, GaloisField.Div(1, GaloisField.Inverse((byte)a)));
        }

        Assert.Throws<DivideByZeroException>(() => GaloisField.Inverse(0));
    }

    [Fact]
    public void GaloisField_Exp_GeneratorHasOrder255()
    {
        var seen = new HashSet<byte>();
        for (int i = 0; i < 255; i++)
        {
            Assert.True(seen.Add(GaloisField.Exp(i)));
        }

        Assert.DoesNotContain((byte)0, seen);
        Assert.Equal(GaloisField.Exp(0), GaloisField.Pow(2, 255));
    }

    [Fact]
    public void GaloisField_Axioms_PropertyHoldForRandomTriples()
    {
        Gen.Select(Gen.Byte, Gen.Byte, Gen.Byte).Sample(
            (a, b, c) =>
            {
                Assert.Equal(GaloisField.Mul(a, b), GaloisField.Mul(b, a));
                Assert.Equal(GaloisField.Mul(GaloisField.Mul(a, b), c), GaloisField.Mul(a, GaloisField.Mul(b, c)));
                Assert.Equal(
                    GaloisField.Mul(a, GaloisField.Add(b, c)),
                    GaloisField.Add(GaloisField.Mul(a, b), GaloisField.Mul(a, c)));
                Assert.Equal(GaloisField.Add(GaloisField.Add(a, b), c), GaloisField.Add(a, GaloisField.Add(b, c)));
                Assert.Equal(a, GaloisField.Mul(a, 1));
                Assert.Equal(0, GaloisField.Mul(a, 0));
                Assert.Equal(0, GaloisField.Add(a, a));
                if (b != 0)
                {
                    Assert.Equal(a, GaloisField.Mul(GaloisField.Div(a, b), b));
                }
            },
            iter: 20_000);
    }

    [Fact]
    public void GfMatrix_TryInvert_RandomInvertibleRoundTrips()
    {
        Gen.Int[1, 12].Select(Gen.Int).Sample(
            (n, seed) =>
            {
                var rng = new Random(seed);
                var a = new byte[n * n];
                rng.NextBytes(a);
                var inv = new byte[n * n];
                if (!GfMatrix.TryInvert(a, n, inv))
                {
                    return; // singular random matrix: nothing to check
                }

                byte[] id = GfMatrix.Multiply(a, n, n, inv, n);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        Assert.Equal(i == j ? 1 : 0, id[(i * n) + j]);
                    }
                }
            },
            iter: 300);
    }

    [Fact]
    public void GfMatrix_TryInvert_SingularReturnsFalse()
    {
        byte[] a = [1, 2, 1, 2];
        Assert.False(GfMatrix.TryInvert(a, 2, new byte[4]));
    }
}
