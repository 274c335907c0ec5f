// Unmarshals request wrapper elements with JAXB RI and the classes wsimport generated from
// lib/seqr/merchant.wsdl, rejecting on the first validation event as CXF's JAXB data binding did
// (its default "set-jaxb-validation-event-handler"). The oracle for the sandbox's unmarshalling.
//
//   java JaxbUnmarshal <operation>=<file.xml> …   (the file holds the <ext:operation> element)
//
// Prints one line per file: "OK" or "ERROR <message>" (the message on one line).
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.io.StringReader;
import javax.xml.bind.JAXBContext;
import javax.xml.bind.UnmarshalException;
import javax.xml.bind.Unmarshaller;
import javax.xml.transform.stream.StreamSource;

public final class JaxbUnmarshal {
    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String operation = arg.substring(0, eq);
            String xml = new String(Files.readAllBytes(Paths.get(arg.substring(eq + 1))), StandardCharsets.UTF_8);
            Class<?> wrapper = Class.forName("com.seamless.ers.interfaces.external." + Character.toUpperCase(operation.charAt(0)) + operation.substring(1));
            Unmarshaller unmarshaller = JAXBContext.newInstance(wrapper).createUnmarshaller();
            unmarshaller.setEventHandler(event -> false);
            try {
                unmarshaller.unmarshal(new StreamSource(new StringReader(xml)), wrapper);
                System.out.println("OK");
            } catch (UnmarshalException e) {
                Throwable cause = e.getLinkedException() != null ? e.getLinkedException() : e;
                String message = cause.getMessage() == null ? "" : cause.getMessage();
                System.out.println("ERROR " + message.replace('\r', ' ').replace('\n', ' '));
            }
        }
    }
}
