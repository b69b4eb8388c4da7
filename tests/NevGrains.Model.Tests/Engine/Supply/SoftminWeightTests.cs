using CsCheck;
using NevGrains.Model.Engine.Supply;

namespace NevGrains.Model.Tests.Engine.Supply;

/// <summary>The route choices' shortcut exp and log must be Math's, bit for bit, or every smoothed answer would move.</summary>
public sealed class SoftminWeightTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-300)]
    [InlineData(-708.39)]
    [InlineData(-744.44)]
    [InlineData(-745.13)]
    [InlineData(-745.14)]
    [InlineData(-745.2)]
    [InlineData(-745.3)]
    [InlineData(-1e6)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void Exp_is_Math_Exp_at_the_edges_of_underflow(double x) =>
        Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Exp(x)), BitConverter.DoubleToInt64Bits(SoftminWeight.Exp(x)));

    [Fact]
    public void Exp_is_Math_Exp_bit_for_bit_over_the_arguments_the_smoothing_produces() =>
        Gen.OneOf(Gen.Double[-800, 0], Gen.Double[-746, -744], Gen.Double[-1e-9, 0], Gen.Const(-0.0)).Sample(x =>
            BitConverter.DoubleToInt64Bits(Math.Exp(x)) == BitConverter.DoubleToInt64Bits(SoftminWeight.Exp(x)), iter: 100_000);

    [Fact]
    public void Log_is_Math_Log_bit_for_bit_for_sums_of_weights() =>
        Gen.OneOf(Gen.Double[1, 50], Gen.Const(1.0), Gen.Double[1, 1 + 1e-12]).Sample(x =>
            BitConverter.DoubleToInt64Bits(Math.Log(x)) == BitConverter.DoubleToInt64Bits(SoftminWeight.Log(x)), iter: 100_000);
}
