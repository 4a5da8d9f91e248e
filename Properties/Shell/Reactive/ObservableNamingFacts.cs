using System;
using System.Linq;
using System.Reactive.Concurrency;
using System.Reflection;
using Wsk.Shell;
using Xunit;

namespace Wsk.Properties.Shell.Reactive;

/// <summary>
/// How the observable forms are named and what they take: analyzers (CA1849) read a method <c>X</c> beside an
/// <c>XAsync</c> as a blocking call with an async twin, so an observable form never shares its name with one; and every
/// form that makes a call takes the optional delivery scheduler.
/// </summary>
public sealed class ObservableNamingFacts
{
    private static readonly MethodInfo[] Forms = typeof(WskProviderDispatchReactive).Assembly.GetExportedTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Where(m => m.ReturnType.IsGenericType && m.ReturnType.GetGenericTypeDefinition() == typeof(IObservable<>))
        .ToArray();

    [Fact]
    public void No_observable_form_has_an_async_twin_in_its_type()
    {
        Assert.Contains(Forms, m => m.Name == nameof(WskProviderDispatchReactive.ConnectObservable));
        var clashes = Forms.Where(m => m.DeclaringType!.GetMethods().Any(other => other.Name == m.Name + "Async"))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToArray();
        Assert.True(clashes.Length == 0, string.Join(", ", clashes));
    }

    [Fact]
    public void Every_observable_form_that_makes_a_call_takes_an_optional_delivery_scheduler()
    {
        // Events() delivers on the socket's reader by design (flow control); the operators take their own scheduler.
        var exempt = new[] { nameof(WskSocketReactive.Events), nameof(WskStatusReactive.ErrorOnStatus), nameof(WskStatusReactive.RetryOnStatus) };
        var missing = Forms.Where(m => !exempt.Contains(m.Name))
            .Where(m => !m.GetParameters().Any(p => p.ParameterType == typeof(IScheduler) && p.IsOptional))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToArray();
        Assert.True(missing.Length == 0, string.Join(", ", missing));
        Assert.True(Forms.Length > exempt.Length + 10, $"only {Forms.Length} observable forms found");
    }
}
