using NevGrains.Model.Engine;
using NevGrains.Model.Results;

namespace NevGrains.Model.Tests.Results;

public sealed class ResultFilterTests
{
    private static readonly CompiledBaseline Shipped = CompiledBaseline.Shipped;

    [Fact]
    public void Known_owners_markets_and_years_inside_the_run_pass()
    {
        var filter = new ResultFilter(["byd", Shipped.Competitors[0]], ["hu", "de"], [Shipped.BaseYear, 2030]);

        Assert.Empty(filter.Validate(Shipped, 2030));
    }

    [Fact]
    public void Each_unknown_id_and_year_outside_the_run_is_named_by_its_position_at_the_request_level()
    {
        var filter = new ResultFilter(["byd", "bydd"], ["xx"], [2030, 2031, Shipped.BaseYear - 1]);

        var issues = filter.Validate(Shipped, 2030);

        Assert.Equal(["filter.owners[1]", "filter.markets[0]", "filter.years[1]", "filter.years[2]"], issues.Select(i => i.Field));
        Assert.Contains("did you mean 'byd'?", issues[0].Message, StringComparison.Ordinal);
        // A filter sits beside the scenario in a request: nesting the issue under "scenario" leaves it as it is.
        Assert.All(issues, i => Assert.Equal(i, i.Under("scenario")));
    }

    [Fact]
    public void A_filter_of_many_unknown_ids_lists_a_bounded_number_of_issues()
    {
        var filter = new ResultFilter([.. Enumerable.Range(0, 5_000).Select(i => $"nobody-{i}")], [], []);

        Assert.Equal(20, filter.Validate(Shipped, 2030).Count);
    }
}
