package io.myelin.testing;

import io.myelin.backend.Backend;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The extension behind {@link UseBackend}: starts each named backend through a {@link TestBackend} kept in
 * JUnit's store of the class (static fields) or of the test (instance fields, parameters), which JUnit closes,
 * and so the backend, when that class or test ends. A backend that cannot start skips, in {@code beforeEach},
 * every test that needs it, with the reason.
 */
public final class BackendFixture implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BackendFixture.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        for (Field f : annotatedFields(context.getRequiredTestClass(), true)) {
            inject(context, f, null);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field f : annotatedFields(instance.getClass(), false)) {
                inject(context, f, instance);
            }
        }
        List<TestBackend> needed = new ArrayList<>();
        for (Field f : annotatedFields(context.getRequiredTestClass(), true)) {
            needed.add(handle(context, "field " + f, f.getAnnotation(UseBackend.class)));
        }
        for (Field f : annotatedFields(context.getRequiredTestClass(), false)) {
            needed.add(handle(context, "field " + f, f.getAnnotation(UseBackend.class)));
        }
        Parameter[] params = context.getRequiredTestMethod().getParameters();
        for (int i = 0; i < params.length; i++) {
            UseBackend use = params[i].getAnnotation(UseBackend.class);
            if (use != null) {
                needed.add(handle(context, parameterKey(context, i), use));
            }
        }
        for (TestBackend h : needed) {
            if (!h.canStart()) {
                h.get();   // skips the test, printing and giving the reason
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(UseBackend.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        UseBackend use = parameter.findAnnotation(UseBackend.class).orElseThrow();
        TestBackend h = handle(context, parameterKey(context, parameter.getIndex()), use);
        return checkedType(parameter.getParameter().getType(), h, parameter.getParameter().toString());
    }

    private static void inject(ExtensionContext context, Field f, Object instance) throws IllegalAccessException {
        if (Modifier.isFinal(f.getModifiers())) {
            throw new ExtensionConfigurationException("@UseBackend field " + f + " must not be final");
        }
        TestBackend h = handle(context, "field " + f, f.getAnnotation(UseBackend.class));
        if (h.canStart()) {
            f.setAccessible(true);
            f.set(instance, checkedType(f.getType(), h, f.toString()));
        }
    }

    /** The handle for {@code key} in this context's store (or an ancestor's), created on first use. */
    private static TestBackend handle(ExtensionContext context, String key, UseBackend use) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(key, k -> TestBackend.of(use.value()),
                TestBackend.class);
    }

    private static String parameterKey(ExtensionContext context, int index) {
        return "parameter " + index + " of " + context.getRequiredTestMethod();
    }

    private static Backend checkedType(Class<?> type, TestBackend h, String where) {
        Backend b = h.get();
        if (!type.isInstance(b)) {
            throw new ExtensionConfigurationException(where + " is " + type.getName() + " but backend " + h.name()
                    + " is " + b.getClass().getName());
        }
        return b;
    }

    private static List<Field> annotatedFields(Class<?> type, boolean statics) {
        List<Field> out = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(UseBackend.class) && Modifier.isStatic(f.getModifiers()) == statics) {
                    out.add(f);
                }
            }
        }
        return out;
    }
}
