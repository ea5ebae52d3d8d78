package dev.meshfed.lambda;

import dev.meshfed.apigateway.ApiGatewayAdapter;
import dev.meshfed.app.wiring.DcFunctions;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.http.FunctionName;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Deployable {@code ca-admin-http}: API Gateway HTTP API 2.0 event in, its response out. */
public class CaAdminHttp {

    private static final ApiGatewayAdapter ADAPTER = new ApiGatewayAdapter(DcFunctions.errors());

    @Inject
    Wiring wiring;

    private volatile CaFunctionsHandler handler;

    @Funq("ca-admin-http")
    public APIGatewayV2HTTPResponse caAdmin(APIGatewayV2HTTPEvent event) {
        CaFunctionsHandler h = handler;
        if (h == null) {
            h = wiring.functions().httpHandler(FunctionName.CA_ADMIN);
            handler = h;
        }
        return ADAPTER.handle(event, h);
    }
}
