"""FHIR R4 (4.0.1): the elements of the resources iopcore reads and of every type they use (data only).

One entry per type, ``"<kind> <element>:<type>[*][!] ..."``: the kind is ``R`` (a DomainResource:
``id``, ``meta``, ``implicitRules``, ``language``, ``text``, ``contained``, ``extension`` and
``modifierExtension`` besides), ``r`` (a Resource that is not a DomainResource, such as Bundle: ``id``,
``meta``, ``implicitRules``, ``language``), ``B`` (a BackboneElement: ``id``, ``extension``,
``modifierExtension``) or ``E`` (an Element: ``id``, ``extension``); ``*`` marks an array (R4 max
``*``), ``!`` a required element (min 1); ``name[x]:A|B`` is a choice, written ``nameA`` or ``nameB``
(at most one of them). Backbone types are named as fhir.resources names them (``ObservationComponent``
for ``Observation.component``); lower-case types are R4 primitives, ``Resource`` any resource.

Derived from the FHIR R4 (4.0.1) models of fhir.resources 6.4 by ``tests/fhir/r4_table.py``
(``python -m tests.fhir.r4_table``), which the tests run to check this table is that derivation
(https://hl7.org/fhir/R4/resourcelist.html, https://hl7.org/fhir/R4/datatypes.html).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["TYPES"]

TYPES: Mapping[str, str] = {
    "Address": "E city:string country:string district:string line:string* period:Period postalCode:string state:string text:string type:code use:code",
    "Age": "E code:code comparator:code system:uri unit:string value:decimal",
    "Annotation": "E author[x]:Reference|string text:markdown! time:dateTime",
    "Appointment": "R appointmentType:CodeableConcept basedOn:Reference* cancelationReason:CodeableConcept comment:string created:dateTime description:string end:instant identifier:Identifier* minutesDuration:positiveInt participant:AppointmentParticipant*! patientInstruction:string priority:unsignedInt reasonCode:CodeableConcept* reasonReference:Reference* requestedPeriod:Period* serviceCategory:CodeableConcept* serviceType:CodeableConcept* slot:Reference* specialty:CodeableConcept* start:instant status:code! supportingInformation:Reference*",
    "AppointmentParticipant": "B actor:Reference period:Period required:code status:code! type:CodeableConcept*",
    "Attachment": "E contentType:code creation:dateTime data:base64Binary hash:base64Binary language:code size:unsignedInt title:string url:url",
    "Bundle": "r entry:BundleEntry* identifier:Identifier link:BundleLink* signature:Signature timestamp:instant total:unsignedInt type:code!",
    "BundleEntry": "B fullUrl:uri link:BundleLink* request:BundleEntryRequest resource:Resource response:BundleEntryResponse search:BundleEntrySearch",
    "BundleEntryRequest": "B ifMatch:string ifModifiedSince:instant ifNoneExist:string ifNoneMatch:string method:code! url:uri!",
    "BundleEntryResponse": "B etag:string lastModified:instant location:uri outcome:Resource status:string!",
    "BundleEntrySearch": "B mode:code score:decimal",
    "BundleLink": "B relation:string! url:uri!",
    "CarePlan": "R activity:CarePlanActivity* addresses:Reference* author:Reference basedOn:Reference* careTeam:Reference* category:CodeableConcept* contributor:Reference* created:dateTime description:string encounter:Reference goal:Reference* identifier:Identifier* instantiatesCanonical:canonical* instantiatesUri:uri* intent:code! note:Annotation* partOf:Reference* period:Period replaces:Reference* status:code! subject:Reference! supportingInfo:Reference* title:string",
    "CarePlanActivity": "B detail:CarePlanActivityDetail outcomeCodeableConcept:CodeableConcept* outcomeReference:Reference* progress:Annotation* reference:Reference",
    "CarePlanActivityDetail": "B code:CodeableConcept dailyAmount:Quantity description:string doNotPerform:boolean goal:Reference* instantiatesCanonical:canonical* instantiatesUri:uri* kind:code location:Reference performer:Reference* product[x]:CodeableConcept|Reference quantity:Quantity reasonCode:CodeableConcept* reasonReference:Reference* scheduled[x]:Period|string|Timing status:code! statusReason:CodeableConcept",
    "CodeableConcept": "E coding:Coding* text:string",
    "Coding": "E code:code display:string system:uri userSelected:boolean version:string",
    "Condition": "R abatement[x]:Age|dateTime|Period|Range|string asserter:Reference bodySite:CodeableConcept* category:CodeableConcept* clinicalStatus:CodeableConcept code:CodeableConcept encounter:Reference evidence:ConditionEvidence* identifier:Identifier* note:Annotation* onset[x]:Age|dateTime|Period|Range|string recordedDate:dateTime recorder:Reference severity:CodeableConcept stage:ConditionStage* subject:Reference! verificationStatus:CodeableConcept",
    "ConditionEvidence": "B code:CodeableConcept* detail:Reference*",
    "ConditionStage": "B assessment:Reference* summary:CodeableConcept type:CodeableConcept",
    "Consent": "R category:CodeableConcept*! dateTime:dateTime identifier:Identifier* organization:Reference* patient:Reference performer:Reference* policy:ConsentPolicy* policyRule:CodeableConcept provision:ConsentProvision scope:CodeableConcept! source[x]:Attachment|Reference status:code! verification:ConsentVerification*",
    "ConsentPolicy": "B authority:uri uri:uri",
    "ConsentProvision": "B action:CodeableConcept* actor:ConsentProvisionActor* class:Coding* code:CodeableConcept* data:ConsentProvisionData* dataPeriod:Period period:Period provision:ConsentProvision* purpose:Coding* securityLabel:Coding* type:code",
    "ConsentProvisionActor": "B reference:Reference! role:CodeableConcept!",
    "ConsentProvisionData": "B meaning:code! reference:Reference!",
    "ConsentVerification": "B verificationDate:dateTime verified:boolean! verifiedWith:Reference",
    "ContactDetail": "E name:string telecom:ContactPoint*",
    "ContactPoint": "E period:Period rank:positiveInt system:code use:code value:string",
    "Contributor": "E contact:ContactDetail* name:string! type:code!",
    "Count": "E code:code comparator:code system:uri unit:string value:decimal",
    "DataRequirement": "E codeFilter:DataRequirementCodeFilter* dateFilter:DataRequirementDateFilter* limit:positiveInt mustSupport:string* profile:canonical* sort:DataRequirementSort* subject[x]:CodeableConcept|Reference type:code!",
    "DataRequirementCodeFilter": "E code:Coding* path:string searchParam:string valueSet:canonical",
    "DataRequirementDateFilter": "E path:string searchParam:string value[x]:dateTime|Duration|Period",
    "DataRequirementSort": "E direction:code! path:string!",
    "Distance": "E code:code comparator:code system:uri unit:string value:decimal",
    "Dosage": "B additionalInstruction:CodeableConcept* asNeeded[x]:boolean|CodeableConcept doseAndRate:DosageDoseAndRate* maxDosePerAdministration:Quantity maxDosePerLifetime:Quantity maxDosePerPeriod:Ratio method:CodeableConcept patientInstruction:string route:CodeableConcept sequence:integer site:CodeableConcept text:string timing:Timing",
    "DosageDoseAndRate": "E dose[x]:Quantity|Range rate[x]:Quantity|Range|Ratio type:CodeableConcept",
    "Duration": "E code:code comparator:code system:uri unit:string value:decimal",
    "Encounter": "R account:Reference* appointment:Reference* basedOn:Reference* class:Coding! classHistory:EncounterClassHistory* diagnosis:EncounterDiagnosis* episodeOfCare:Reference* hospitalization:EncounterHospitalization identifier:Identifier* length:Duration location:EncounterLocation* partOf:Reference participant:EncounterParticipant* period:Period priority:CodeableConcept reasonCode:CodeableConcept* reasonReference:Reference* serviceProvider:Reference serviceType:CodeableConcept status:code! statusHistory:EncounterStatusHistory* subject:Reference type:CodeableConcept*",
    "EncounterClassHistory": "B class:Coding! period:Period!",
    "EncounterDiagnosis": "B condition:Reference! rank:positiveInt use:CodeableConcept",
    "EncounterHospitalization": "B admitSource:CodeableConcept destination:Reference dietPreference:CodeableConcept* dischargeDisposition:CodeableConcept origin:Reference preAdmissionIdentifier:Identifier reAdmission:CodeableConcept specialArrangement:CodeableConcept* specialCourtesy:CodeableConcept*",
    "EncounterLocation": "B location:Reference! period:Period physicalType:CodeableConcept status:code",
    "EncounterParticipant": "B individual:Reference period:Period type:CodeableConcept*",
    "EncounterStatusHistory": "B period:Period! status:code!",
    "EpisodeOfCare": "R account:Reference* careManager:Reference diagnosis:EpisodeOfCareDiagnosis* identifier:Identifier* managingOrganization:Reference patient:Reference! period:Period referralRequest:Reference* status:code! statusHistory:EpisodeOfCareStatusHistory* team:Reference* type:CodeableConcept*",
    "EpisodeOfCareDiagnosis": "B condition:Reference! rank:positiveInt role:CodeableConcept",
    "EpisodeOfCareStatusHistory": "B period:Period! status:code!",
    "Expression": "E description:string expression:string language:code! name:id reference:uri",
    "Extension": "E url:uri! value[x]:Address|Age|Annotation|Attachment|base64Binary|boolean|canonical|code|CodeableConcept|Coding|ContactDetail|ContactPoint|Contributor|Count|DataRequirement|date|dateTime|decimal|Distance|Dosage|Duration|Expression|HumanName|id|Identifier|instant|integer|markdown|Meta|Money|oid|ParameterDefinition|Period|positiveInt|Quantity|Range|Ratio|Reference|RelatedArtifact|SampledData|Signature|string|time|Timing|TriggerDefinition|unsignedInt|uri|url|UsageContext|uuid",
    "Goal": "R achievementStatus:CodeableConcept addresses:Reference* category:CodeableConcept* description:CodeableConcept! expressedBy:Reference identifier:Identifier* lifecycleStatus:code! note:Annotation* outcomeCode:CodeableConcept* outcomeReference:Reference* priority:CodeableConcept start[x]:CodeableConcept|date statusDate:date statusReason:string subject:Reference! target:GoalTarget*",
    "GoalTarget": "B detail[x]:boolean|CodeableConcept|integer|Quantity|Range|Ratio|string due[x]:date|Duration measure:CodeableConcept",
    "HumanName": "E family:string given:string* period:Period prefix:string* suffix:string* text:string use:code",
    "Identifier": "E assigner:Reference period:Period system:uri type:CodeableConcept use:code value:string",
    "Meta": "E lastUpdated:instant profile:canonical* security:Coding* source:uri tag:Coding* versionId:id",
    "Money": "E currency:code value:decimal",
    "Narrative": "E div:xhtml! status:code!",
    "Observation": "R basedOn:Reference* bodySite:CodeableConcept category:CodeableConcept* code:CodeableConcept! component:ObservationComponent* dataAbsentReason:CodeableConcept derivedFrom:Reference* device:Reference effective[x]:dateTime|instant|Period|Timing encounter:Reference focus:Reference* hasMember:Reference* identifier:Identifier* interpretation:CodeableConcept* issued:instant method:CodeableConcept note:Annotation* partOf:Reference* performer:Reference* referenceRange:ObservationReferenceRange* specimen:Reference status:code! subject:Reference value[x]:boolean|CodeableConcept|dateTime|integer|Period|Quantity|Range|Ratio|SampledData|string|time",
    "ObservationComponent": "B code:CodeableConcept! dataAbsentReason:CodeableConcept interpretation:CodeableConcept* referenceRange:ObservationReferenceRange* value[x]:boolean|CodeableConcept|dateTime|integer|Period|Quantity|Range|Ratio|SampledData|string|time",
    "ObservationReferenceRange": "B age:Range appliesTo:CodeableConcept* high:Quantity low:Quantity text:string type:CodeableConcept",
    "ParameterDefinition": "E documentation:string max:string min:integer name:code profile:canonical type:code! use:code!",
    "Period": "E end:dateTime start:dateTime",
    "Quantity": "E code:code comparator:code system:uri unit:string value:decimal",
    "Questionnaire": "R approvalDate:date code:Coding* contact:ContactDetail* copyright:markdown date:dateTime derivedFrom:canonical* description:markdown effectivePeriod:Period experimental:boolean identifier:Identifier* item:QuestionnaireItem* jurisdiction:CodeableConcept* lastReviewDate:date name:string publisher:string purpose:markdown status:code! subjectType:code* title:string url:uri useContext:UsageContext* version:string",
    "QuestionnaireItem": "B answerOption:QuestionnaireItemAnswerOption* answerValueSet:canonical code:Coding* definition:uri enableBehavior:code enableWhen:QuestionnaireItemEnableWhen* initial:QuestionnaireItemInitial* item:QuestionnaireItem* linkId:string! maxLength:integer prefix:string readOnly:boolean repeats:boolean required:boolean text:string type:code!",
    "QuestionnaireItemAnswerOption": "B initialSelected:boolean value[x]:Coding|date|integer|Reference|string|time!",
    "QuestionnaireItemEnableWhen": "B answer[x]:boolean|Coding|date|dateTime|decimal|integer|Quantity|Reference|string|time! operator:code! question:string!",
    "QuestionnaireItemInitial": "B value[x]:Attachment|boolean|Coding|date|dateTime|decimal|integer|Quantity|Reference|string|time|uri!",
    "QuestionnaireResponse": "R author:Reference authored:dateTime basedOn:Reference* encounter:Reference identifier:Identifier item:QuestionnaireResponseItem* partOf:Reference* questionnaire:canonical source:Reference status:code! subject:Reference",
    "QuestionnaireResponseItem": "B answer:QuestionnaireResponseItemAnswer* definition:uri item:QuestionnaireResponseItem* linkId:string! text:string",
    "QuestionnaireResponseItemAnswer": "B item:QuestionnaireResponseItem* value[x]:Attachment|boolean|Coding|date|dateTime|decimal|integer|Quantity|Reference|string|time|uri",
    "Range": "E high:Quantity low:Quantity",
    "Ratio": "E denominator:Quantity numerator:Quantity",
    "Reference": "E display:string identifier:Identifier reference:string type:uri",
    "RelatedArtifact": "E citation:markdown display:string document:Attachment label:string resource:canonical type:code! url:url",
    "SampledData": "E data:string dimensions:positiveInt! factor:decimal lowerLimit:decimal origin:Quantity! period:decimal! upperLimit:decimal",
    "Signature": "E data:base64Binary onBehalfOf:Reference sigFormat:code targetFormat:code type:Coding*! when:instant! who:Reference!",
    "Specimen": "R accessionIdentifier:Identifier collection:SpecimenCollection condition:CodeableConcept* container:SpecimenContainer* identifier:Identifier* note:Annotation* parent:Reference* processing:SpecimenProcessing* receivedTime:dateTime request:Reference* status:code subject:Reference type:CodeableConcept",
    "SpecimenCollection": "B bodySite:CodeableConcept collected[x]:dateTime|Period collector:Reference duration:Duration fastingStatus[x]:CodeableConcept|Duration method:CodeableConcept quantity:Quantity",
    "SpecimenContainer": "B additive[x]:CodeableConcept|Reference capacity:Quantity description:string identifier:Identifier* specimenQuantity:Quantity type:CodeableConcept",
    "SpecimenProcessing": "B additive:Reference* description:string procedure:CodeableConcept time[x]:dateTime|Period",
    "Timing": "B code:CodeableConcept event:dateTime* repeat:TimingRepeat",
    "TimingRepeat": "E bounds[x]:Duration|Period|Range count:positiveInt countMax:positiveInt dayOfWeek:code* duration:decimal durationMax:decimal durationUnit:code frequency:positiveInt frequencyMax:positiveInt offset:unsignedInt period:decimal periodMax:decimal periodUnit:code timeOfDay:time* when:code*",
    "TriggerDefinition": "E condition:Expression data:DataRequirement* name:string timing[x]:date|dateTime|Reference|Timing type:code!",
    "UsageContext": "E code:Coding! value[x]:CodeableConcept|Quantity|Range|Reference!",
}
