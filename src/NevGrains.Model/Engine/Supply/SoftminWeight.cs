namespace NevGrains.Model.Engine.Supply;

/// <summary>
/// The exponentials and logarithms of the smoothed route choices (sections 6.2 and 6.3), bit for bit those of <see cref="Math"/>.
/// At the last smoothing temperature (a thousandth of a dollar) most routes' weights are exp of arguments far below −745, which round
/// to zero; libm reaches that zero through its slow underflow path (errno handling), which took a sixth of a run's time.
/// </summary>
internal static class SoftminWeight
{
    /// <summary>exp(x) is below half the smallest subnormal double for x below about −745.13, so it rounds to +0.</summary>
    private const double ExpRoundsToZeroBelow = -745.2;

    /// <summary>Math.Exp(x), returning the +0 it would return without calling it where the argument underflows.</summary>
    public static double Exp(double x) => x < ExpRoundsToZeroBelow ? 0 : x == 0 ? 1 : Math.Exp(x);

    /// <summary>Math.Log(x), which is +0 at exactly 1 (a cell whose every weight but one is zero).</summary>
    public static double Log(double x) => x == 1 ? 0 : Math.Log(x);
}
