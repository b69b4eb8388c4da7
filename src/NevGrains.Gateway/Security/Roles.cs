namespace NevGrains.Gateway.Security;

/// <summary>Roles and the policies built on them: each role includes the ones below it.</summary>
public static class Roles
{
    public const string Reader = "reader";
    public const string Planner = "planner";
    public const string Admin = "admin";

    public static readonly string[] All = [Reader, Planner, Admin];

    /// <summary>The roles that satisfy a policy of the given role (admin ⊃ planner ⊃ reader).</summary>
    public static string[] Satisfying(string role) => role switch
    {
        Reader => [Reader, Planner, Admin],
        Planner => [Planner, Admin],
        _ => [Admin],
    };
}
