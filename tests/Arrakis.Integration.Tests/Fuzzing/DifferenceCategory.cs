namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>Why a listed difference is tolerated.</summary>
internal enum DifferenceCategory
{
    /// <summary>A bug in Arrakis that the lead must fix; the entry goes when the fix lands.</summary>
    Bug,
    /// <summary>An intended difference, with the reason in the entry.</summary>
    ByDesign,
}
