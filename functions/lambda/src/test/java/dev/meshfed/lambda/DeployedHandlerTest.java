package dev.meshfed.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.meshfed.app.deploy.Deployment;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * The JVM handler SAM and Terraform deploy (checked equal to {@link Deployment#JVM_HANDLER} by
 * infra-test) must exist on this module's runtime classpath, which is what {@code function.zip}
 * carries, and be a stream handler Lambda's java21 runtime can call. A wrong name here made every
 * deployed invocation fail with ClassNotFoundException (found by the cold-start benchmark).
 */
class DeployedHandlerTest {

    @Test
    void theDeployedJvmHandlerIsAStreamHandlerOnTheArtifactsClasspath() throws Exception {
        String[] parts = Deployment.JVM_HANDLER.split("::");
        assertThat(parts).hasSize(2);
        Class<?> handler = Class.forName(parts[0], false, getClass().getClassLoader());
        assertThat(RequestStreamHandler.class.isAssignableFrom(handler)).as("%s is a RequestStreamHandler", handler).isTrue();
        assertThat(Modifier.isAbstract(handler.getModifiers())).isFalse();
        assertThat(handler.getConstructor()).isNotNull(); // Lambda instantiates it with no arguments
        Method m = handler.getMethod(parts[1], InputStream.class, OutputStream.class, Context.class);
        assertThat(Modifier.isPublic(m.getModifiers())).isTrue();
    }
}
