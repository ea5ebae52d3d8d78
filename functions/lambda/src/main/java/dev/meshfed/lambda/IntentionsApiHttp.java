package dev.meshfed.lambda;

import dev.meshfed.apigateway.ApiGatewayAdapter;
import dev.meshfed.app.wiring.DcFunctions;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.http.FunctionName;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Deployable {@code intentions-api-http}: API Gateway HTTP API 2.0 event in, its response out. */
public class IntentionsApiHttp {

    private static final ApiGatewayAdapter ADAPTER = new ApiGatewayAdapter(DcFunctions.errors());

    @Inject
    Wiring wiring;

    private volatile CaFunctionsHandler handler;

    @Funq("intentions-api-http")
    public APIGatewayV2HTTPResponse intentionsApi(APIGatewayV2HTTPEvent event) {
        CaFunctionsHandler h = handler;
        if (h == null) {
            h = wiring.functions().httpHandler(FunctionName.INTENTIONS_API);
            handler = h;
        }
        return ADAPTER.handle(event, h);
    }
}
