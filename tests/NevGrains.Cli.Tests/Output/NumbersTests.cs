using NevGrains.Cli.Output;
using NevGrains.Cli.Reports;

namespace NevGrains.Cli.Tests.Output;

/// <summary>Golden values of the one formatting module every table, CSV and report uses.</summary>
public sealed class NumbersTests
{
    [Theory]
    [InlineData(ValueFormat.Units, 1723.4, "1,723")]
    [InlineData(ValueFormat.Units, -12096.6, "-12,097")]
    [InlineData(ValueFormat.Units, 0.2, "0")]
    [InlineData(ValueFormat.Percent, 0.029, "2.9%")]
    [InlineData(ValueFormat.Percent, -0.0045, "-0.5%")]
    [InlineData(ValueFormat.UsdMillions, 1_723_000, "1.7")]
    [InlineData(ValueFormat.UsdMillions, 47_963_000, "48.0")]
    [InlineData(ValueFormat.UsdMillions, 3_142_551_396, "3,142.6")]
    [InlineData(ValueFormat.Usd, 3_142_551_396, "$3,142.6m")]
    [InlineData(ValueFormat.Usd, -68_538_000, "-$68.5m")]
    [InlineData(ValueFormat.Usd, 31_249.6, "$31,250")]
    [InlineData(ValueFormat.Year, 2030, "2030")]
    [InlineData(ValueFormat.Number, 0.03, "0.03")]
    [InlineData(ValueFormat.Number, 30000, "30000")]
    public void A_value_is_written_with_its_units_precision(ValueFormat format, double value, string expected) =>
        Assert.Equal(expected, Numbers.Value(format, value));

    [Theory]
    [InlineData(ValueFormat.Percent, 0.0123, "+1.2 pp")]
    [InlineData(ValueFormat.Units, -775, "-775")]
    [InlineData(ValueFormat.Usd, 55_040_000, "+$55.0m")]
    public void A_change_is_signed_and_a_share_changes_in_points(ValueFormat format, double change, string expected) =>
        Assert.Equal(expected, Numbers.Change(format, change));

    [Fact]
    public void A_column_of_one_unit_is_written_at_one_precision_whatever_the_size()
    {
        var column = new[] { 47_963_000.0, 104_000_000, 1_723_000 }.Select(v => Numbers.Display(Quantity.UsdMillions(v)));

        Assert.Equal(["48.0", "104.0", "1.7"], column);
    }

    [Fact]
    public void Csv_carries_full_precision_invariant_values_and_lowercase_booleans()
    {
        Assert.Equal("0.123456789", Numbers.Csv(Quantity.Share(0.123456789)));
        Assert.Equal("1723.4", Numbers.Csv(1723.4));
        Assert.Equal("false", Numbers.Csv(false));
        Assert.Equal("2030", Numbers.Csv(2030));
    }

    [Fact]
    public void Tables_show_plain_numbers_as_given_and_booleans_as_words()
    {
        Assert.Equal("0.3", Numbers.Display(0.3));
        Assert.Equal("yes", Numbers.Display(true));
        Assert.Equal("2026", Numbers.Display(2026));
    }
}
